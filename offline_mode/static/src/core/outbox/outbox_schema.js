/**
 * The outbox's browser database: its name, its schema versions, and the form
 * a change is stored in.
 *
 * One IndexedDB database per Odoo database and user,
 * "offline_mode_outbox:<db>:<uid>", apart from the read cache: eviction,
 * expiry and a hard refresh clear the read cache, never this. Its stores:
 * - `changes`: one OfflineChange (see offline_change.js) per uuid, in queue
 *   order by `seq`;
 * - `meta`: the counter that gives `seq` and local ids, the uuids of the
 *   changes sent and not answered yet (one record for a whole batch: a change
 *   is `sent` when its own `sent` is true, as written before version 2, or its
 *   uuid is in there), the real ids of records created offline once synced,
 *   and the models whose new-record defaults were fetched online.
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
    // Version 2, no change of stores: queueing now checks the counter in its
    // writing transaction (outbox_enqueue.js). A tab still running the code
    // before, which does not, closes the database on the upgrade and can no
    // longer open it (VersionError): its saves are refused, never mixed in.
    () => {},
];

/** Keys of the `meta` store. */
export const COUNTER_KEY = "counter";
export const RESOLVED_IDS_KEY = "resolvedIds";
export const SENT_KEY = "sent";
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

/** The uuids of the changes sent and not answered yet, as a Set. */
export async function readSent(meta) {
    return new Set(await readMeta(meta, SENT_KEY, []));
}

/** Writes the uuids of the changes sent and not answered yet: `sent` without `answered`. */
export function writeSent(meta, sent, answered = []) {
    answered.forEach((uuid) => sent.delete(uuid));
    meta.put({ key: SENT_KEY, value: [...sent] });
}

/** Stored changes with `sent` true when their uuid is in `sent` (see the header). */
export function withSent(stored, sent) {
    for (const change of stored) {
        change.sent = Boolean(change.sent || sent.has(change.uuid));
    }
    return stored;
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
