/* global OFFLINE_SHELL_PREFIX, forgetOfflineKeyring, offlineKeyring, offlineModeUser, setOfflineModeUser -- defined by offline_user.js, put before this file */
/* Put before Odoo's service worker (/web/service-worker.js, scope /odoo) by
 * offline_mode (controllers/main.py), so that its fetch listener runs first:
 * the web client's shell, kept for starting the web client offline (a reload,
 * a new tab, a browser restart).
 *
 * Online, navigations to /odoo and /odoo/... go to the network, as without
 * offline mode; the page the server answered is kept for the user it was
 * rendered for (read from its session info), with what it loads to start:
 * hashed asset bundles, menus, translations, static files (fonts, icons) —
 * those the page lists once started (its other requests are not touched).
 * Offline, a navigation gets the page kept for the logged-in user of this
 * browser, marked as started offline, and that page's files come from the
 * shell; with no page kept, Odoo's offline page.
 *
 * One user's, never another's (offline_user.js remembers who): a page
 * rendered for another user, or the web client telling so, deletes at once
 * the data of every other user. A page saying offline mode is off, or a
 * redirection of /odoo (to the login page: logged out, session expired)
 * deletes every shell and stored key: what stays is unreadable until an
 * online sign-in. The web client deletes its user's data at logout and its
 * shell on a hard refresh (core/offline_shell/offline_shell_service.js).
 *
 * Encrypted at rest (static/lib/offline_crypto.js): the kept page carries the
 * user's session info, and is kept sealed with the user's key, found in this
 * browser session's key store. After a browser restart the key is locked:
 * an offline navigation gets the unlock page (generic, no user data, kept with
 * the shell), which asks the password and reloads; with the key unlocked, the
 * kept page. Bundles, translations and static files are the same for every
 * user of the same version: kept in clear.
 *
 * Fresh after an upgrade: a page whose bundles, menus or translations differ
 * from the kept ones replaces them; the old ones are deleted.
 *
 * Failure model: every change to a shell runs in one queue, one at a time; a
 * file is stored once fully received; a crash or a full disk (quota) leaves it
 * unstored, and the next online start stores it again (the page lists what it
 * loaded, see "offline_mode:session").
 */
/** The kept page, and what it loads (URL → bytes), under keys no route answers. */
const OFFLINE_SHELL_PAGE_KEY = "/offline_mode/shell/page";
const OFFLINE_SHELL_INDEX_KEY = "/offline_mode/shell/index";
const OFFLINE_SHELL_UNLOCK_KEY = "/offline_mode/shell/unlock";
/** What a kept page says in its session info, and says instead when served offline. */
const OFFLINE_SHELL_ONLINE_MARK = '"offline_mode_started_offline": false';
const OFFLINE_SHELL_OFFLINE_MARK = '"offline_mode_started_offline": true';

let offlineShellQueue = Promise.resolve();

/** Runs `task` after the shell changes queued before it. */
function inOfflineShellQueue(task) {
    const run = offlineShellQueue.then(task);
    offlineShellQueue = run.catch((error) => console.warn("offline_mode: shell not kept", error));
    return run;
}

function offlineShellCacheName(user) {
    return OFFLINE_SHELL_PREFIX + user;
}

function isWebClientNavigation(request) {
    const { pathname } = new URL(request.url);
    return (
        request.method === "GET" &&
        request.mode === "navigate" &&
        (pathname === "/odoo" || pathname.startsWith("/odoo/"))
    );
}

/** What the web client loads to start: hashed or static, the same for every record it shows. */
function isShellFile(url) {
    const { pathname, origin } = new URL(url);
    return (
        origin === self.location.origin &&
        (pathname.startsWith("/web/assets/") ||
            pathname.startsWith("/web/webclient/load_menus/") ||
            pathname.startsWith("/web/webclient/translations/") ||
            /^\/[\w.-]+\/static\//.test(pathname))
    );
}

function isShellFileRequest(request) {
    return request.method === "GET" && request.mode !== "navigate" && isShellFile(request.url);
}

function sessionInfoOf(html) {
    const found = /odoo\.__session_info__ = (\{.*?\});\n/.exec(html);
    try {
        return found && JSON.parse(found[1]);
    } catch {
        return null;
    }
}

/** The versioned URLs a page loads: its bundles, menus and translations. */
function versionedUrlsOf(html, info) {
    const urls = new Set(
        [...html.matchAll(/(?:src|href)="(\/web\/assets\/[^"]+)"/g)].map((found) => found[1])
    );
    const hashes = info.cache_hashes || {};
    urls.add(`/web/webclient/load_menus/${hashes.load_menus}`);
    urls.add(`/web/webclient/translations/${hashes.translations}?lang=${info.user_context?.lang}`);
    return [...urls].map((url) => new URL(url, self.location.origin).href);
}

async function readShellIndex(cache) {
    const stored = await cache.match(OFFLINE_SHELL_INDEX_KEY);
    return stored ? stored.json() : { versioned: [], bytes: {} };
}

function writeShellIndex(cache, index) {
    return cache.put(OFFLINE_SHELL_INDEX_KEY, new Response(JSON.stringify(index)));
}

/**
 * Keeps a page of the web client the server answered, for the user it was
 * rendered for. Queued.
 *
 * @param {string} html
 */
function keepShellPage(html) {
    return inOfflineShellQueue(async () => {
        const info = sessionInfoOf(html);
        if (!info?.uid || !info.offline_mode?.enabled) {
            await setOfflineModeUser(null);
            return;
        }
        const user = `${info.db}:${info.uid}`;
        if ((await offlineModeUser()) !== user) {
            await setOfflineModeUser(user);
        }
        if (info.offline_mode_hard_reload || !html.includes(OFFLINE_SHELL_ONLINE_MARK)) {
            return; // the web client deletes the shell (hard refresh), or cannot be told it starts offline
        }
        const keyring = await offlineKeyring(user);
        if (!keyring) {
            return; // the web client stores the key, then asks again (see the "message" listener)
        }
        const cache = await caches.open(offlineShellCacheName(user));
        const index = await readShellIndex(cache);
        const versioned = versionedUrlsOf(html, info);
        if (versioned.join() !== index.versioned.join()) {
            // New bundles, menus or translations: those of the old page go.
            for (const request of await cache.keys()) {
                const { pathname } = new URL(request.url);
                const isVersioned =
                    pathname.startsWith("/web/assets/") || pathname.startsWith("/web/webclient/");
                if (isVersioned && !versioned.includes(request.url)) {
                    await cache.delete(request);
                    delete index.bytes[request.url];
                }
            }
            index.versioned = versioned;
            await cache.delete(OFFLINE_SHELL_UNLOCK_KEY); // it links the old bundles
        }
        const page = await keyring.sealText(html, user);
        await cache.put(
            OFFLINE_SHELL_PAGE_KEY,
            new Response(page, { headers: { "Content-Type": "text/html; charset=utf-8" } })
        );
        index.bytes[OFFLINE_SHELL_PAGE_KEY] = page.byteLength;
        if (!(await cache.match(OFFLINE_SHELL_UNLOCK_KEY))) {
            index.bytes[OFFLINE_SHELL_UNLOCK_KEY] = await keepUnlockPage(
                cache,
                info.user_context?.lang
            );
        }
        await writeShellIndex(cache, index);
    });
}

/**
 * Keeps the page that unlocks the user's data after a browser restart, in the
 * user's language; its scripts are kept as the shell's files are. Returns its size.
 */
async function keepUnlockPage(cache, lang) {
    const response = await fetch(`/offline_mode/unlock?lang=${encodeURIComponent(lang || "")}`);
    if (response.status !== 200) {
        return 0;
    }
    const html = await response.text();
    for (const [, url] of html.matchAll(/<script[^>]* src="(\/offline_mode\/static\/[^"]+)"/g)) {
        keepShellFile(new URL(url, self.location.origin).href); // queued after this
    }
    await cache.put(OFFLINE_SHELL_UNLOCK_KEY, new Response(html, { headers: response.headers }));
    return html.length;
}

/**
 * Keeps a file the web client loaded, in the shell of the logged-in user,
 * unless already kept (bundles are immutable; static files change with an
 * upgrade, which brings new bundles). Fetched again: from the browser's HTTP
 * cache, where the page's own load left it. Queued.
 *
 * @param {string} url
 */
function keepShellFile(url) {
    return inOfflineShellQueue(async () => {
        const user = await offlineModeUser();
        if (!user || !(await caches.has(offlineShellCacheName(user)))) {
            return; // no page kept for this user: nothing to start
        }
        const cache = await caches.open(offlineShellCacheName(user));
        if (await cache.match(url, { ignoreVary: true })) {
            return;
        }
        const response = await fetch(url);
        if (response.status !== 200 || response.type !== "basic") {
            return;
        }
        const body = await response.blob();
        await cache.put(url, new Response(body, { headers: response.headers }));
        const index = await readShellIndex(cache);
        index.bytes[new Request(url).url] = body.size;
        await writeShellIndex(cache, index);
    });
}

/**
 * The page kept for the logged-in user, marked as started offline; the unlock
 * page while their key is locked; null if none.
 */
async function keptShellPage() {
    const user = await offlineModeUser();
    const cacheName = user && offlineShellCacheName(user);
    const kept = user && (await caches.match(OFFLINE_SHELL_PAGE_KEY, { cacheName }));
    if (!kept) {
        return null;
    }
    const keyring = await offlineKeyring(user);
    if (!keyring) {
        return (await caches.match(OFFLINE_SHELL_UNLOCK_KEY, { cacheName })) || null;
    }
    let html;
    try {
        html = await keyring.openText(new Uint8Array(await kept.arrayBuffer()), user);
    } catch {
        return null; // sealed with a key the server has replaced since: kept again at the next online start
    }
    html = html.replace(OFFLINE_SHELL_ONLINE_MARK, OFFLINE_SHELL_OFFLINE_MARK);
    return new Response(html, { headers: kept.headers });
}

async function navigateOrStartOffline(event) {
    const { request } = event;
    let response;
    try {
        response = await fetch(request);
    } catch (networkError) {
        const kept = await keptShellPage();
        if (kept) {
            offlineStartedClients.add(event.resultingClientId);
            return kept;
        }
        // Odoo's "You are offline" page when no shell is kept (see Odoo's own handler).
        const offlinePage = await caches.match("/odoo/offline");
        if (offlinePage) {
            return offlinePage;
        }
        throw networkError;
    }
    const isPage =
        response.status === 200 && response.headers.get("Content-Type")?.startsWith("text/html");
    if (isPage) {
        event.waitUntil(response.clone().text().then(keepShellPage));
    } else if (
        response.type === "opaqueredirect" &&
        !new URL(request.url).searchParams.has("redirect")
    ) {
        // The web client sends to the login page: no one is logged in any more.
        event.waitUntil(inOfflineShellQueue(() => setOfflineModeUser(null)));
    }
    return response;
}

/** Pages started from a kept shell (their client ids): their files come from the shell too. */
const offlineStartedClients = new Set();

async function fetchOrServeShellFile(request) {
    try {
        return await fetch(request);
    } catch (networkError) {
        const user = await offlineModeUser();
        const kept =
            user &&
            (await caches.match(request, {
                cacheName: offlineShellCacheName(user),
                ignoreVary: true,
            }));
        if (kept) {
            return kept;
        }
        throw networkError;
    }
}

self.addEventListener("fetch", (event) => {
    const { request } = event;
    if (isWebClientNavigation(request)) {
        event.respondWith(navigateOrStartOffline(event));
    } else if (
        isShellFileRequest(request) &&
        (offlineStartedClients.has(event.clientId) || !self.navigator.onLine)
    ) {
        // Online, files go straight to the network, as without offline mode: the
        // page lists them afterwards to be kept (see "offline_mode:session").
        event.respondWith(fetchOrServeShellFile(request));
    } else {
        return;
    }
    // Answered here: Odoo's listener would answer navigations a second time.
    event.stopImmediatePropagation();
});

/**
 * The web client tells who is logged in ("<db>:<uid>", or null at logout),
 * and, when it started online, what it loaded: `keep` lists URLs to keep in
 * the shell; when the worker did not see the page load (the first one, before
 * the worker controlled it), the page is fetched again to be kept.
 */
self.addEventListener("message", (event) => {
    const { type, user, keep } = event.data || {};
    if (type !== "offline_mode:session") {
        return;
    }
    event.waitUntil(
        (async () => {
            if ((await offlineModeUser()) !== user) {
                await inOfflineShellQueue(() => setOfflineModeUser(user));
            }
            // The web client may have stored a new key for this browser session.
            forgetOfflineKeyring(user);
            if (!user || !keep) {
                return;
            }
            const kept = await caches.match(OFFLINE_SHELL_PAGE_KEY, {
                cacheName: offlineShellCacheName(user),
            });
            if (!kept) {
                const response = await fetch("/odoo", { redirect: "manual" });
                if (response.status === 200) {
                    await keepShellPage(await response.text());
                }
            }
            await Promise.all(keep.filter(isShellFile).map((url) => keepShellFile(url)));
        })().catch((error) => console.warn("offline_mode: shell not kept", error))
    );
});
