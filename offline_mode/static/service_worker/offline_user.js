/* global offlineModeCrypto -- defined by static/lib/offline_crypto.js, put before this file */
/* exported OFFLINE_SHELL_PREFIX, forgetOfflineKeyring, offlineKeyring, offlineModeUser, setOfflineModeUser */
/* Put before Odoo's service worker (/web/service-worker.js, scope /odoo) by
 * offline_mode (controllers/main.py), with offline_shell.js after it and
 * offline_files.js after Odoo's: who the logged-in user of this browser is,
 * the keys their data is sealed with, and the deletion of every other user's
 * data.
 *
 * One user's, never another's: the browser's session belongs to one user at a
 * time, remembered here ("<db>:<uid>", in a cache of its own so that it
 * survives the worker being stopped). Another user logging in deletes at once
 * the read caches, files, shells and stored keys of every other user (only
 * their pending changes stay, encrypted: they sync when their owner signs in
 * again online); no one logged in deletes every shell and stored key: what
 * stays is unreadable until an online sign-in.
 *
 * Failure behaviour: a keyring that cannot be read (locked, or no key stored
 * in this browser session) is null and asked again next time; deleting a
 * browser database another tab holds open completes once that tab closed it.
 */
const OFFLINE_MODE_USER_CACHE = "offline_mode_user";
const OFFLINE_MODE_USER_KEY = "/offline_mode/user";
/** Caches of the web client's shell, one a user (see offline_shell.js). */
const OFFLINE_SHELL_PREFIX = "offline_mode_shell:";

/** The logged-in user of this browser, "<db>:<uid>", or null. */
async function offlineModeUser() {
    const stored = await caches.match(OFFLINE_MODE_USER_KEY, {
        cacheName: OFFLINE_MODE_USER_CACHE,
    });
    return stored ? stored.text() : null;
}

/** The keys user data is sealed with, per user; forgotten when the web client stores new ones. */
const offlineKeyrings = new Map();

/** The keyring of `user` unlocked in this browser session (or kept on the device); null while locked. */
async function offlineKeyring(user) {
    if (!offlineKeyrings.has(user)) {
        const found = offlineModeCrypto
            .storedKey(user)
            .then((key) => key && offlineModeCrypto.Keyring.of([key]));
        offlineKeyrings.set(user, found);
        found.then(
            (keyring) => keyring || offlineKeyrings.delete(user),
            () => offlineKeyrings.delete(user)
        );
    }
    return offlineKeyrings.get(user);
}

/** Reads the keyring of `user` again at its next use (the web client may have stored a new key). */
function forgetOfflineKeyring(user) {
    offlineKeyrings.delete(user);
}

/** Which caches and browser databases hold whose data ("<db>:<uid>" after the prefix). */
const USER_CACHE_PREFIXES = [OFFLINE_SHELL_PREFIX, "offline_mode_files:"];
const USER_DATABASE_PREFIX = "offline_mode:";

/**
 * Remembers the logged-in user. The data of every other user is deleted: read
 * caches, files, shells and stored keys (their pending changes stay, sealed).
 * With no one logged in, shells and stored keys go: what stays is unreadable
 * until the next online sign-in gives the key again.
 */
async function setOfflineModeUser(user) {
    offlineKeyrings.clear();
    const ofOthers = (name, prefix) => name.startsWith(prefix) && name !== prefix + user;
    const names = await caches.keys();
    const deleted = user ? USER_CACHE_PREFIXES : [OFFLINE_SHELL_PREFIX];
    await Promise.all(
        names
            .filter((name) => deleted.some((prefix) => ofOthers(name, prefix)))
            .map((name) => caches.delete(name))
    );
    await offlineModeCrypto.forgetKeysExcept(user);
    if (user) {
        const databases = (await indexedDB.databases?.()) || [];
        for (const { name } of databases.filter(({ name }) =>
            ofOthers(name, USER_DATABASE_PREFIX)
        )) {
            // Resolves once the other tabs of that user closed it (see core/browser_db.js).
            indexedDB.deleteDatabase(name);
        }
    }
    const cache = await caches.open(OFFLINE_MODE_USER_CACHE);
    if (user) {
        await cache.put(OFFLINE_MODE_USER_KEY, new Response(user));
    } else {
        await cache.delete(OFFLINE_MODE_USER_KEY);
    }
}
