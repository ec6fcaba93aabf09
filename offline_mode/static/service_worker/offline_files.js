/* Appended to Odoo's service worker (/web/service-worker.js, scope /odoo) by
 * offline_mode (controllers/main.py): files and images the web client loads
 * online (/web/content, /web/image) are kept in the Cache Storage of the
 * logged-in user, and served from it only when the network fails. While online,
 * the network answers, as without offline mode.
 *
 * The page tells which cache belongs to the logged-in user ("offline_mode_files:
 * <db>:<uid>", message "offline_mode:files_cache"); it is remembered in a cache
 * of its own so that it survives the worker being stopped. With no user known,
 * nothing is stored or served. A file is stored once fully received; a crash or
 * a full disk leaves it unstored (the next online use stores it again).
 */
const OFFLINE_FILES_USER_CACHE = "offline_mode_files_user";
const OFFLINE_FILES_USER_KEY = "/offline_mode/files_cache";
/** Larger files are not kept for offline use. */
const OFFLINE_FILES_MAX_BYTES = 20 * 1024 * 1024;

async function offlineFilesCacheName() {
    const stored = await (await caches.open(OFFLINE_FILES_USER_CACHE)).match(OFFLINE_FILES_USER_KEY);
    return stored ? stored.text() : null;
}

function isOfflineFileRequest(request) {
    return request.method === "GET" && /^\/web\/(content|image)(\/|$)/.test(new URL(request.url).pathname);
}

function isStorableFile(response) {
    const size = Number(response.headers.get("Content-Length") || 0);
    return response.status === 200 && response.type === "basic" && size <= OFFLINE_FILES_MAX_BYTES;
}

async function fetchOrServeStoredFile(event) {
    const { request } = event;
    const cacheName = offlineFilesCacheName();
    let response;
    try {
        response = await fetch(request);
    } catch (networkError) {
        const name = await cacheName;
        const stored = name && (await (await caches.open(name)).match(request));
        if (stored) {
            return stored;
        }
        throw networkError;
    }
    if (isStorableFile(response)) {
        const copy = response.clone();
        event.waitUntil(
            cacheName.then((name) => name && caches.open(name).then((cache) => cache.put(request, copy)))
        );
    }
    return response;
}

self.addEventListener("fetch", (event) => {
    if (isOfflineFileRequest(event.request)) {
        event.respondWith(fetchOrServeStoredFile(event));
    }
});

self.addEventListener("message", (event) => {
    if (event.data?.type !== "offline_mode:files_cache") {
        return;
    }
    event.waitUntil(
        caches.open(OFFLINE_FILES_USER_CACHE).then((cache) =>
            event.data.name
                ? cache.put(OFFLINE_FILES_USER_KEY, new Response(event.data.name))
                : cache.delete(OFFLINE_FILES_USER_KEY)
        )
    );
});

// Control the page that registered the worker at once, not from its next load.
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));
