import { after, beforeEach } from "@odoo/hoot";
import { mockFetch } from "@odoo/hoot-mock";
import { MockServer, onRpc, patchWithCleanup, serverState } from "@web/../tests/web_test_helpers";
import { session } from "@web/session";
import { openEntry } from "@offline_mode/core/crypto/read_cache_sealing";
import {
    offlineDatabaseName,
    ReadCacheStore,
    requestResult,
} from "@offline_mode/core/indexed_db_store";
import { serveTestKey, testKeyring } from "./offline_key_test_helpers";

let databaseCount = 0;

/**
 * Gives each test of the file its own IndexedDB database (the read cache names
 * it after the Odoo database), deleted after the test, and offline mode settings
 * in the session. The ping route answers like the server does.
 *
 * @param {Object} [settings] offline mode settings to use instead of the defaults
 */
export function defineOfflineModeTestSetup(settings = {}) {
    beforeEach(() => {
        serverState.db = `offline_mode_test_${Date.now()}_${++databaseCount}`;
        const databaseName = `offline_mode:${serverState.db}:${serverState.userId}`;
        patchWithCleanup(session, {
            offline_mode: {
                enabled: true,
                storage_cap_mb: 2048,
                cache_expiry_days: 0,
                conflict_policy: "ask",
                max_batch: 500,
                ...settings,
            },
            offline_mode_hard_reload: false,
        });
        onRpc("/offline_mode/ping", () => ({}), { pure: true });
        serveTestKey();
        after(() => deleteDatabase(databaseName));
    });
}

export function deleteDatabase(name) {
    return new Promise((resolve) => {
        const request = indexedDB.deleteDatabase(name);
        request.onsuccess = request.onerror = request.onblocked = () => resolve();
    });
}

/** Makes every request fail the way a lost connection does (the XHR "error" event). */
export function cutNetwork() {
    mockFetch(() => {
        throw new TypeError("Failed to fetch");
    });
}

/** Lets requests reach the mock server again. */
export function restoreNetwork() {
    mockFetch((input, init) => MockServer.current.handle(input, init));
}

/** What the read cache of the test user stores: `{ key, tags }` of each answer (its key decrypted). */
export async function storedEntries() {
    const store = new ReadCacheStore(offlineDatabaseName(serverState.db, serverState.userId));
    const db = await store.database();
    const transaction = db.transaction(["read_entries", "read_payloads"]);
    const [entries, payloads] = await Promise.all([
        requestResult(transaction.objectStore("read_entries").getAll()),
        requestResult(transaction.objectStore("read_payloads").getAll()),
    ]);
    await store.close();
    const keyring = await testKeyring();
    const sealed = new Map(payloads.map(({ key, json }) => [key, json]));
    return Promise.all(
        entries.map(async ({ key, tags }) => ({
            key: (await openEntry(keyring, key, sealed.get(key))).key,
            tags,
        }))
    );
}
