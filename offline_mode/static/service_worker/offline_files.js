/* global offlineKeyring, offlineModeUser -- defined by offline_user.js, put before this file */
/* Appended to Odoo's service worker (/web/service-worker.js, scope /odoo) by
 * offline_mode (controllers/main.py): files and images the web client loads
 * online (/web/content, /web/image) are kept in the Cache Storage of the
 * logged-in user, and served from it only when the network fails. While online,
 * the network answers, as without offline mode.
 *
 * The logged-in user is the one offline_user.js remembers (put before Odoo's
 * worker, same scope): their cache is "offline_mode_files:<db>:<uid>". With no
 * user known, nothing is stored or served. The tabs of a browser share its
 * session, hence one logged-in user and one cache. A file is stored once fully
 * received; a crash or a full disk (quota) leaves it unstored, and the next
 * online use stores it again.
 *
 * Kept sealed with the user's key (static/lib/offline_crypto.js), headers
 * (a file name) included; while the key is locked, nothing is stored or served.
 */
/** Larger files are not kept for offline use. */
const OFFLINE_FILES_MAX_BYTES = 20 * 1024 * 1024;
/** The headers kept with a file, sealed with it. */
const OFFLINE_FILES_HEADERS = [
    "Content-Type",
    "Content-Disposition",
    "Cache-Control",
    "Last-Modified",
    "ETag",
];

function offlineFilesCacheName(user) {
    return `offline_mode_files:${user}`;
}

function isOfflineFileRequest(request) {
    return (
        request.method === "GET" &&
        /^\/web\/(content|image)(\/|$)/.test(new URL(request.url).pathname)
    );
}

function isStorableFile(response) {
    const size = Number(response.headers.get("Content-Length") || 0);
    return response.status === 200 && response.type === "basic" && size <= OFFLINE_FILES_MAX_BYTES;
}

/** Keeps a file the server answered, sealed: [headers length, 4 bytes][headers as JSON][body]. */
async function keepSealedFile(user, request, response) {
    const keyring = await offlineKeyring(user);
    if (!keyring) {
        return;
    }
    const headers = Object.fromEntries(
        OFFLINE_FILES_HEADERS.filter((name) => response.headers.has(name)).map((name) => [
            name,
            response.headers.get(name),
        ])
    );
    const head = new TextEncoder().encode(JSON.stringify(headers));
    const body = new Uint8Array(await response.arrayBuffer());
    const plain = new Uint8Array(4 + head.length + body.length);
    new DataView(plain.buffer).setUint32(0, head.length);
    plain.set(head, 4);
    plain.set(body, 4 + head.length);
    const sealed = await keyring.seal(plain, request.url);
    const cache = await caches.open(offlineFilesCacheName(user));
    await cache.put(request, new Response(sealed));
}

/** The file kept for `request`, opened; null when none or while the key is locked. */
async function keptFile(request) {
    const user = await offlineModeUser();
    const stored =
        user && (await caches.match(request, { cacheName: offlineFilesCacheName(user) }));
    const keyring = stored && (await offlineKeyring(user));
    if (!keyring) {
        return null;
    }
    try {
        const plain = await keyring.open(new Uint8Array(await stored.arrayBuffer()), request.url);
        const headLength = new DataView(plain.buffer).getUint32(0);
        const headers = JSON.parse(new TextDecoder().decode(plain.subarray(4, 4 + headLength)));
        return new Response(plain.subarray(4 + headLength), { headers });
    } catch {
        return null; // sealed with a key the server has replaced since
    }
}

async function fetchOrServeStoredFile(event) {
    const { request } = event;
    const user = offlineModeUser();
    let response;
    try {
        response = await fetch(request);
    } catch (networkError) {
        const kept = await keptFile(request);
        if (kept) {
            return kept;
        }
        throw networkError;
    }
    if (isStorableFile(response)) {
        const copy = response.clone();
        event.waitUntil(user.then((name) => name && keepSealedFile(name, request, copy)));
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
        caches.open(offlineFilesCacheName(user)).then((cache) =>
            Promise.all(
                files.map(async (request) => {
                    if (await cache.match(request)) {
                        return;
                    }
                    const response = await fetch(request);
                    if (isStorableFile(response)) {
                        await keepSealedFile(user, request, response);
                    }
                })
            ).catch((error) => console.warn("offline_mode: files not kept", error))
        )
    );
});

// Control the page that registered the worker at once, not from its next load.
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));
