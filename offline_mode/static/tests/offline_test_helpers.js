import { after, beforeEach, describe } from "@odoo/hoot";
import { waitFor as hootWaitFor, waitUntil as hootWaitUntil } from "@odoo/hoot-dom";
import { animationFrame, mockFetch } from "@odoo/hoot-mock";
import {
    defineMenus,
    defineModels,
    fields,
    getService,
    MockServer,
    models,
    mountWithCleanup,
    onRpc,
    patchWithCleanup,
    serverState,
    webModels,
} from "@web/../tests/web_test_helpers";
import { session } from "@web/session";
import { WebClient } from "@web/webclient/webclient";
import { openEntry } from "@offline_mode/core/crypto/read_cache_sealing";
import { requestResult } from "@offline_mode/core/browser_db";
import { newUuid } from "@offline_mode/core/offline_change";
import { outboxDatabaseName } from "@offline_mode/core/outbox/outbox_schema";
import { offlineDatabaseName } from "@offline_mode/core/read_cache/read_cache_schema";
import { ReadCacheStore } from "@offline_mode/core/read_cache/read_cache_store";
import { serveTestKey, testKeyring } from "./offline_key_test_helpers";

/**
 * A name no other test uses, for what a test keeps in the browser. Neither the
 * time nor a counter would do: hoot starts every test at the same mocked date,
 * and loads the modules again for each test file (a counter starts over).
 */
function uniqueName(prefix) {
    return `${prefix}_${newUuid()}`;
}

// What is served offline comes from IndexedDB, whose pace a test does not control:
// hoot's waitFor and waitUntil, with a longer timeout.
const IDB_TIMEOUT = { timeout: 3000 };
export const waitFor = (selector, options) => hootWaitFor(selector, { ...IDB_TIMEOUT, ...options });
export const waitUntil = (predicate, options) =>
    hootWaitUntil(predicate, { ...IDB_TIMEOUT, ...options });

/**
 * Gives each test of the file its own Odoo database name, so its own browser
 * databases (the read cache and the outbox are named after it), deleted after
 * the test, its own key entries and channel between tabs; and offline mode settings
 * in the session. The ping route answers like the server does.
 *
 * @param {Object} [settings] offline mode settings to use instead of the defaults
 */
export function defineOfflineModeTestSetup(settings = {}) {
    beforeEach(() => {
        serverState.db = uniqueName("offline_mode_test");
        const { db, userId } = serverState;
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
        after(() =>
            deleteDatabases([offlineDatabaseName(db, userId), outboxDatabaseName(db, userId)])
        );
    });
}

// What the records of the tests link to: salespeople (one of them a portal user,
// whom a domain on `share` leaves out) and tags.

class Salesperson extends models.Model {
    name = fields.Char();
    share = fields.Boolean();

    _records = [
        { id: 2, name: "Mitchell Admin" },
        { id: 6, name: "Marc Demo" },
        { id: 7, name: "Zoé Lemaître" },
        { id: 9, name: "Marc Portal", share: true },
    ];
}

class Tag extends models.Model {
    name = fields.Char();
    color = fields.Integer();

    _records = [
        { id: 1, name: "Design", color: 3 },
        { id: 2, name: "Office", color: 4 },
    ];
}

/**
 * Defines the test's models along with those the web client needs to start and
 * those the records of the tests link to.
 */
export function defineWebClientModels(...testModels) {
    const { ResCompany, ResPartner, ResUsers } = webModels;
    defineModels([...testModels, Salesperson, Tag, ResCompany, ResPartner, ResUsers]);
}

/**
 * Sets up a file's tests of the web client, run on desktop: offline mode as
 * `defineOfflineModeTestSetup` sets it up, and the models of
 * `defineWebClientModels`.
 */
export function defineWebClientTestSetup(...testModels) {
    describe.current.tags("desktop");
    defineOfflineModeTestSetup();
    defineWebClientModels(...testModels);
}

/**
 * Defines the menus of one app under the root menu: `app` and its `submenus`,
 * each `{ id, name, actionID, xmlid }`.
 */
export function defineAppMenus(app, submenus) {
    const inApp = (menu, children) => ({ ...menu, appID: app.id, children });
    const children = submenus.map((submenu) => inApp(submenu, []));
    defineMenus([{ id: "root", name: "root", appID: "root", children: [inApp(app, children)] }]);
}

/**
 * A window action for `defineActions`: `views` lists view types, or
 * `[viewId, viewType]` for a view other than the model's default one; `extra`
 * adds or overrides members.
 */
export function windowAction(id, name, resModel, views, extra = {}) {
    return {
        id,
        name,
        res_model: resModel,
        type: "ir.actions.act_window",
        views: views.map((view) => (Array.isArray(view) ? view : [false, view])),
        ...extra,
    };
}

/** Mounts the web client and opens `action` in it. */
export async function openInWebClient(action) {
    await mountWithCleanup(WebClient);
    await getService("action").doAction(action);
}

/** Deletes browser databases, whatever their state (blocked or failing: given up). */
export function deleteDatabases(names) {
    return Promise.all(
        names.map(
            (name) =>
                new Promise((resolve) => {
                    const request = indexedDB.deleteDatabase(name);
                    request.onsuccess = request.onerror = request.onblocked = () => resolve();
                })
        )
    );
}

/**
 * A store (`makeStore(name)`, a BrowserDatabase) on a database of its own,
 * closed and deleted after the test.
 */
export function storeOfItsOwn(makeStore) {
    const store = makeStore(uniqueName("offline_mode_test_store"));
    after(async () => {
        await store.close();
        await deleteDatabases([store.name]);
    });
    return store;
}

/** Makes every request fail the way a lost connection does (the XHR "error" event). */
export function cutNetwork() {
    mockFetch(() => {
        throw new TypeError("Failed to fetch");
    });
}

/** Cuts the network and resolves once the client knows it is offline (its views updated). */
export async function goOffline() {
    cutNetwork();
    await getService("offline_connectivity").confirmConnectionLost();
    await animationFrame();
}

/** Goes offline once the read cache has stored what was read so far. */
export async function goOfflineOnceStored() {
    await getService("offline_read_cache").flush();
    await goOffline();
}

/** Lets requests reach the mock server again. */
export function restoreNetwork() {
    mockFetch((input, init) => MockServer.current.handle(input, init));
}

/** Lets requests through again and resolves once the client knows it is online. */
export async function goBackOnline() {
    restoreNetwork();
    await getService("offline_connectivity").probeNow();
    await animationFrame();
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
