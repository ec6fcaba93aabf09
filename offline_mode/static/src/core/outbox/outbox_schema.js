/**
 * The outbox's browser database: its name, its schema versions, and the form
 * a change is stored in.
 *
 * One IndexedDB database per Odoo database and user,
 * "offline_mode_outbox:<db>:<uid>", apart from the read cache: eviction,
 * expiry and a hard refresh clear the read cache, never this. Its stores:
 * - `changes`: one OfflineChange (see offline_change.js) per uuid, in queue
 *   order by `seq`;
 * - `meta`: the counter that gives `seq` and local ids, the real ids of records
 *   created offline once synced, and the models whose new-record defaults were
 *   fetched online.
 *
 * Encrypted at rest (core/crypto/): a stored change keeps in clear only what
 * the indexes and the queue need (uuid, seq, resId, model, operation, status,
 * sent); its values, original values, record name, conflicts and errors are
 * sealed with the user's key, bound to its uuid. Never lost for a mistake of
 * ours: the server keeps every key it issued a user (a new one included) and
 * gives them back at the next online start, which seals the older changes
 * again with the current key; a change this browser cannot open (locked, or
 * sealed with a key it does not hold yet) is left untouched, neither listed
 * nor sent, until it can.
 *
 * Failure behaviour: a database of an older version is upgraded in place when
 * opened, its changes kept (browser_db.js); opening a change sealed with a key
 * this browser does not hold throws (the store leaves it out).
 */
import { requestResult } from "../browser_db";

/**
 * Schema upgrades, the one at index `n` bringing the database to version `n + 1`.
 * Append new versions; never change a released one.
 */
export const OUTBOX_UPGRADES = [
    (db) => {
        const changes = db.createObjectStore("changes", { keyPath: "uuid" });
        changes.createIndex("seq", "seq", { unique: true });
        changes.createIndex("resId", "resId");
        db.createObjectStore("meta", { keyPath: "key" });
    },
];

/** Keys of the `meta` store. */
export const COUNTER_KEY = "counter";
export const RESOLVED_IDS_KEY = "resolvedIds";
export const MODELS_WITH_DEFAULTS_KEY = "modelsWithDefaults";

export function outboxDatabaseName(odooDatabase, userId) {
    return `offline_mode_outbox:${odooDatabase}:${userId}`;
}

/** What stays in clear in a stored change (see the header). */
const CLEAR_FIELDS = new Set(["uuid", "seq", "resId", "model", "operation", "status", "sent"]);

/** The value under `key` in the `meta` store, `fallback` if none. */
export async function readMeta(meta, key, fallback) {
    const record = await requestResult(meta.get(key));
    return record ? record.value : fallback;
}

/** A change as stored: what the indexes need in clear, the rest sealed. */
export async function sealChange(keyring, change) {
    const clear = {};
    const secret = {};
    for (const [name, value] of Object.entries(change)) {
        (CLEAR_FIELDS.has(name) ? clear : secret)[name] = value;
    }
    return { ...clear, sealed: await keyring.sealJson(secret, change.uuid) };
}

/** A stored change as the outbox uses it. */
export async function openChange(keyring, stored) {
    const { sealed, ...clear } = stored;
    return { ...(await keyring.openJson(sealed, stored.uuid)), ...clear };
}
