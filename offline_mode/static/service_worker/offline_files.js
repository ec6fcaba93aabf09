/* Appended to Odoo's service worker (/web/service-worker.js, scope /odoo) by
 * offline_mode (controllers/main.py): files and images the web client loads
 * online (/web/content, /web/image) are kept in the Cache Storage of the
 * logged-in user, and served from it only when the network fails. While online,
 * the network answers, as without offline mode.
 *
 * The logged-in user is the one offline_shell.js remembers (put before Odoo's
 * worker, same scope): their cache is "offline_mode_files:<db>:<uid>". With no
 * user known, nothing is stored or served. The tabs of a browser share its
 * session, hence one logged-in user and one cache. A file is stored once fully
 * received; a crash or a full disk (quota) leaves it unstored, and the next
 * online use stores it again.
 */
/** Larger files are not kept for offline use. */
const OFFLINE_FILES_MAX_BYTES = 20 * 1024 * 1024;

async function offlineFilesCacheName() {
    const user = await offlineModeUser();
    return user && `offline_mode_files:${user}`;
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

/** Files the page loaded before the worker controlled it (its avatar): kept too. */
self.addEventListener("message", (event) => {
    const { type, user, keep } = event.data || {};
    if (type !== "offline_mode:session" || !user || !keep) {
        return;
    }
    const files = keep.map((url) => new Request(url)).filter(isOfflineFileRequest);
    event.waitUntil(
        caches.open(`offline_mode_files:${user}`).then((cache) =>
            Promise.all(
                files.map(async (request) => {
                    if (await cache.match(request)) {
                        return;
                    }
                    const response = await fetch(request);
                    if (isStorableFile(response)) {
                        await cache.put(request, response);
                    }
                })
            ).catch((error) => console.warn("offline_mode: files not kept", error))
        )
    );
});

// Control the page that registered the worker at once, not from its next load.
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));
