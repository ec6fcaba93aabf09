/**
 * The browser database of the read cache: its name, its schema versions and
 * its usage record.
 *
 * One IndexedDB database per Odoo database and user ("offline_mode:<db>:<uid>"),
 * shared by all tabs of that user. Its object stores:
 * - `read_entries`: what is known of each stored answer (key, tags, size, when
 *   stored, when last used) — small, so that eviction scans it quickly;
 * - `read_payloads`: the answers themselves, as JSON text;
 *   both keyed `[placedAt, key]`, in eviction order: `placedAt` is when the
 *   answer was stored, or the time of use it was moved to when an eviction
 *   pass met it used since (read_cache_eviction.js), so that a pass deletes
 *   whole ranges at once instead of one answer at a time; answers are found
 *   by their key through the `key` index;
 * - `read_usage`: one record with the running total of bytes and entries;
 * - `searches`: the search queries run online, per action (search replay);
 * - `pins`: tags whose entries must never be evicted nor cleared (data that
 *   changes made offline still need);
 * - `record_names`: the name of each record seen in an answer, per model
 *   (`{ model, id, name, seenAt }`): the choices of relational fields offline.
 * Eviction and expiry only ever delete from the first four; a hard refresh
 * also clears the names.
 *
 * Failure behaviour: a database of an older version (opened by an older
 * release) is upgraded in place when opened, its data kept (browser_db.js).
 */
import { requestResult, walkCursor } from "../browser_db";

/**
 * Schema upgrades, the one at index `n` bringing the database to version `n + 1`.
 * Append new versions; never change a released one.
 */
export const READ_CACHE_UPGRADES = [
    (db) => {
        const entries = db.createObjectStore("read_entries", { keyPath: "key" });
        entries.createIndex("usedAt", "usedAt");
        entries.createIndex("tags", "tags", { multiEntry: true });
        db.createObjectStore("read_payloads", { keyPath: "key" });
        db.createObjectStore("read_usage", { keyPath: "id" });
        const searches = db.createObjectStore("searches", { keyPath: "id" });
        searches.createIndex("actionId", "actionId");
        db.createObjectStore("pins", { keyPath: "tag" });
    },
    (db) => {
        const names = db.createObjectStore("record_names", {
            keyPath: ["model", "id"],
        });
        names.createIndex("model", "model");
    },
    (db, transaction) => {
        // Entries and payloads keyed in eviction order; those stored so far
        // are moved in the order of their last use.
        transaction.objectStore("read_entries").name = "read_entries_v2";
        transaction.objectStore("read_payloads").name = "read_payloads_v2";
        const entries = db.createObjectStore("read_entries", { keyPath: ["placedAt", "key"] });
        entries.createIndex("key", "key", { unique: true });
        entries.createIndex("tags", "tags", { multiEntry: true });
        const payloads = db.createObjectStore("read_payloads", { keyPath: ["placedAt", "key"] });
        const oldPayloads = transaction.objectStore("read_payloads_v2");
        const moving = walkCursor(
            transaction.objectStore("read_entries_v2").openCursor(),
            (cursor) => {
                const placedAt = cursor.value.usedAt;
                entries.put({ ...cursor.value, placedAt });
                oldPayloads.get(cursor.value.key).onsuccess = ({ target }) =>
                    target.result && payloads.put({ ...target.result, placedAt });
                return true;
            }
        );
        moving.then(() => {
            db.deleteObjectStore("read_entries_v2");
            db.deleteObjectStore("read_payloads_v2");
        });
    },
];

/** The stores a write of answers touches, and those a deletion needs (pins are kept). */
export const ENTRY_STORES = ["read_entries", "read_payloads", "read_usage"];
export const DELETION_STORES = [...ENTRY_STORES, "pins"];

const USAGE_ID = "usage";

/**
 * @param {string} odooDatabase
 * @param {number} userId
 */
export function offlineDatabaseName(odooDatabase, userId) {
    return `offline_mode:${odooDatabase}:${userId}`;
}

/**
 * @typedef {{ bytes: number, entries: number }} Usage
 */

/**
 * The usage record of the read cache (nothing stored yet: zero).
 *
 * @param {IDBObjectStore} usageStore
 */
export async function readUsage(usageStore) {
    return (
        (await requestResult(usageStore.get(USAGE_ID))) || {
            id: USAGE_ID,
            bytes: 0,
            entries: 0,
        }
    );
}

/**
 * The tags of stored entries that are pinned (never evicted nor cleared).
 *
 * @param {IDBTransaction} transaction
 * @returns {Promise<Set<string>>}
 */
export async function pinnedIn(transaction) {
    return new Set(await requestResult(transaction.objectStore("pins").getAllKeys()));
}
