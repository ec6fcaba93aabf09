"""What offline mode keeps in a browser, seen from a page: every IndexedDB database and
Cache Storage entry as text (to look for clear values), the web client's shell the
service worker keeps, and the unlock page driven as a user drives it."""
import json
import os
import time

# Every store of every IndexedDB database and every Cache Storage entry, as text:
# what any script of the origin (another user's page) can read.
_DUMP_STORAGE = """(async () => {
    const decoder = new TextDecoder();
    const asText = (value) => JSON.stringify(value, (key, item) =>
        item instanceof Uint8Array || item instanceof ArrayBuffer ? decoder.decode(item) : item);
    const dump = {};
    for (const { name } of await indexedDB.databases()) {
        const db = await new Promise((resolve, reject) => {
            const request = indexedDB.open(name);
            request.onsuccess = () => resolve(request.result);
            request.onerror = () => reject(request.error);
        });
        for (const store of db.objectStoreNames) {
            const rows = await new Promise((resolve) => {
                const request = db.transaction(store).objectStore(store).getAll();
                request.onsuccess = () => resolve(request.result);
            });
            dump[`indexedDB ${name} ${store}`] = asText(rows);
        }
        db.close();
    }
    for (const name of await caches.keys()) {
        const cache = await caches.open(name);
        for (const request of await cache.keys()) {
            dump[`cache ${name} ${request.url}`] = decoder.decode(await (await cache.match(request)).arrayBuffer());
        }
    }
    return dump;
})()"""


def browser_storage(tab):
    """{"indexedDB <db> <store>" or "cache <name> <url>": content as text}."""
    return tab.evaluate(_DUMP_STORAGE)


def databases(tab):
    return tab.evaluate("indexedDB.databases().then((found) => found.map(({ name }) => name))")


def cache_names(tab):
    return tab.evaluate("caches.keys()")


def shell_cache(database, uid):
    return f"offline_mode_shell:{database}:{uid}"


def shell_index(tab, database, uid):
    """What the worker kept for that user: {versioned: [...], bytes: {url: size}}, or None."""
    return tab.evaluate(f"""caches.match("/offline_mode/shell/index", {{cacheName: {json.dumps(shell_cache(database, uid))}}})
        .then((index) => index ? index.json() : null)""")


def wait_for_shell(tab, database, uid, timeout=30):
    """Until the worker holds all an offline start needs: the page, the unlock page (kept right
    after it) and everything versioned the page loads (bundles, menus, translations)."""
    deadline = time.monotonic() + timeout
    while True:
        index = shell_index(tab, database, uid)
        if index and {"/offline_mode/shell/page", "/offline_mode/shell/unlock"} <= set(index["bytes"]) \
                and index["versioned"] and all(url in index["bytes"] for url in index["versioned"]):
            return index
        assert time.monotonic() < deadline, f"the shell was not kept: {index}"
        time.sleep(0.3)


def files_holding(folder, *texts):
    """Files under `folder` holding any of `texts` (UTF-8 or UTF-16, as browsers store strings)."""
    needles = [form for text in texts for form in (text.encode(), text.encode("utf-16-le"))]
    found = []
    for root, _dirs, names in os.walk(folder):
        for name in names:
            path = os.path.join(root, name)
            try:
                with open(path, "rb") as file:
                    content = file.read()
            except OSError:
                continue
            if any(needle in content for needle in needles):
                found.append(os.path.relpath(path, folder))
    return found


def unlock(tab, password):
    """Types `password` in the unlock page and submits it."""
    tab.wait_for(".o_offline_mode_unlock input[name=secret]")
    tab.fill(".o_offline_mode_unlock input[name=secret]", password)
    tab.click(".o_offline_mode_unlock button[type=submit]")


# A page is the unlock page, loaded.
UNLOCK_PAGE_SHOWN = "!!document.querySelector('.o_offline_mode_unlock') && document.readyState === 'complete'"


def block_sync(tab):
    """The tab's sync requests fail as a lost connection does: pending changes stay pending."""
    def fail(params):
        tab.send("Fetch.failRequest", requestId=params["requestId"], errorReason="InternetDisconnected")
    tab.on_event["Fetch.requestPaused"] = fail
    tab.send("Fetch.enable", patterns=[{"urlPattern": "*/offline_mode/sync*"}])


def unblock_sync(tab):
    tab.send("Fetch.disable")


def sign_in(tab, server, login, password):
    """The login form, as a user fills it."""
    # With the login given, the form shows at once (not the list of users seen before).
    tab.goto(f"{server.url}/web/login?login={login}", ready="!!document.querySelector('input[name=login]')")
    tab.fill("input[name=login]", login)
    tab.fill("input[name=password]", password)
    tab.click("button[type=submit]")
    tab.wait_for_js("window.odoo && odoo.isReady", timeout=60)


