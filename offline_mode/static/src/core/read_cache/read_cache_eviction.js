/**
 * What leaves the read cache: least recently used answers past the storage
 * cap, answers past their expiry, answers of an action whose data caching was
 * switched off, everything at a hard refresh. Entries carrying a pinned tag
 * (data that changes made offline still need) are never deleted here.
 *
 * Failure behaviour: each deletion and the usage total it changes are written
 * in the same transaction, so a crash or a closed tab leaves a consistent
 * cache. A long eviction is a series of short transactions (about
 * TRANSACTION_MS each, at most 1,000 entries), so that reads (of this tab or
 * another) never wait long; a crash between two leaves it partly done,
 * consistent.
 * Another tab evicting at the same time is run before or after, never
 * interleaved (IndexedDB orders transactions on the same stores).
 */
import { requestResult, walkCursor } from "../browser_db";
import { DELETION_STORES, pinnedIn, readUsage } from "./read_cache_schema";

/**
 * How many entries one eviction transaction visits (see deleteEntriesInOrder):
 * read in one request, deleted without waiting on each deletion. The count
 * follows how fast the browser deletes, so that a transaction lasts about
 * TRANSACTION_MS: reads of the page, which wait for it, never wait long.
 */
const ENTRIES_PER_TRANSACTION = { first: 100, least: 10, most: 1000 };
const TRANSACTION_MS = 50;

/**
 * @typedef {import("./read_cache_schema").Usage} Usage
 * @typedef {import("./read_cache_store").EntryInfo} EntryInfo
 * @typedef {import("../browser_db").BrowserDatabase} BrowserDatabase
 * @typedef {{ key: any, primaryKey: string }} Position where a walk stopped:
 *   the index key (the entry's key when walking the store) and the entry's key
 */

/**
 * The next `count` entries (fewer at the end) in the order of `source`, after
 * the position `last`, within `rangeFrom(lower, lowerOpen)`.
 *
 * Index keys repeat (answers stored together share their time of use): when
 * entries of the last index key were visited and kept (`keptAtLast`, pinned),
 * the rest of that key is walked with a cursor set past the last entry, so
 * that kept entries are not read again at each transaction; the following
 * keys are read in one request.
 *
 * @param {IDBObjectStore | IDBIndex} source
 * @param {(lower?: any, lowerOpen?: boolean) => IDBKeyRange | null} rangeFrom
 * @param {Position | null} last
 * @param {boolean} byIndex whether `source` is an index (its keys repeat)
 * @param {number} keptAtLast
 * @param {number} count
 * @returns {Promise<EntryInfo[]>}
 */
async function nextEntries(source, rangeFrom, last, byIndex, keptAtLast, count) {
    if (!last) {
        return requestResult(source.getAll(rangeFrom(), count));
    }
    if (!byIndex) {
        // Keys of the store are unique: resume strictly after the last one.
        return requestResult(source.getAll(rangeFrom(last.primaryKey, true), count));
    }
    const found = [];
    if (keptAtLast) {
        let positioned = false;
        await walkCursor(source.openCursor(IDBKeyRange.only(last.key)), (cursor) => {
            const order = indexedDB.cmp(cursor.primaryKey, last.primaryKey);
            if (order < 0 && !positioned) {
                positioned = true;
                cursor.continuePrimaryKey(last.key, last.primaryKey);
                return undefined;
            }
            if (order <= 0) {
                return true; // the last entry visited, kept
            }
            found.push(cursor.value);
            return found.length < count;
        });
    } else {
        // Entries of the last key visited were all deleted (or concurrently
        // stored since): those not after the last position are left out.
        const rest = await requestResult(source.getAll(IDBKeyRange.only(last.key), count));
        found.push(...rest.filter((info) => indexedDB.cmp(info.key, last.primaryKey) > 0));
    }
    if (found.length < count) {
        const more = await requestResult(
            source.getAll(rangeFrom(last.key, true), count - found.length)
        );
        found.push(...more);
    }
    return found;
}

/**
 * Deletes entries in the order of the `usedAt` index (below `usedBefore`
 * when given), or of their keys when `indexName` is null, while
 * `shouldContinue(usage)` holds, skipping pinned ones.
 *
 * Each transaction reads the next entries (ENTRIES_PER_TRANSACTION) in one
 * request and deletes them (entry and payload) without waiting for each
 * deletion: IndexedDB runs the requests of a transaction in order, and any
 * failing one aborts the whole transaction, usage total included. The next
 * transaction resumes after the last entry visited instead of walking again
 * over what was deleted or kept.
 *
 * @param {BrowserDatabase} database
 * @param {"usedAt" | null} indexName
 * @param {number | null} usedBefore
 * @param {(usage: Usage) => boolean} shouldContinue
 * @returns {Promise<{ evicted: number, freedBytes: number, tags: Set<string>, usage: Usage }>}
 */
export async function deleteEntriesInOrder(database, indexName, usedBefore, shouldContinue) {
    const result = { evicted: 0, freedBytes: 0, tags: new Set() };
    /** @type {Position | null} the last entry visited */
    let last = null;
    let finished = false;
    let usage;
    /** @type {(lower?: any, lowerOpen?: boolean) => IDBKeyRange | null} */
    const rangeFrom = (lower, lowerOpen = false) => {
        if (usedBefore === null) {
            return lower === undefined ? null : IDBKeyRange.lowerBound(lower, lowerOpen);
        }
        return lower === undefined
            ? IDBKeyRange.upperBound(usedBefore, true)
            : IDBKeyRange.bound(lower, usedBefore, lowerOpen, true);
    };
    /** how many entries visited at the index key of `last` were kept (pinned) */
    let keptAtLast = 0;
    let count = ENTRIES_PER_TRANSACTION.first;
    while (!finished) {
        const started = performance.now();
        usage = await database.transaction(DELETION_STORES, "readwrite", async (tx) => {
            const pinned = await pinnedIn(tx);
            const usageStore = tx.objectStore("read_usage");
            const usage = await readUsage(usageStore);
            const payloads = tx.objectStore("read_payloads");
            const infos = tx.objectStore("read_entries");
            const source = indexName ? infos.index(indexName) : infos;
            const batch = await nextEntries(
                source,
                rangeFrom,
                last,
                Boolean(indexName),
                keptAtLast,
                count
            );
            finished = batch.length < count;
            for (const info of batch) {
                if (!shouldContinue(usage)) {
                    finished = true;
                    break;
                }
                const key = indexName ? info[indexName] : info.key;
                if (!last || indexedDB.cmp(key, last.key) !== 0) {
                    keptAtLast = 0;
                }
                last = { key, primaryKey: info.key };
                if (info.tags.some((tag) => pinned.has(tag))) {
                    keptAtLast += 1;
                    continue;
                }
                infos.delete(info.key);
                payloads.delete(info.key);
                usage.bytes -= info.size;
                usage.entries -= 1;
                result.evicted += 1;
                result.freedBytes += info.size;
                info.tags.forEach((tag) => result.tags.add(tag));
            }
            finished ||= !shouldContinue(usage);
            await requestResult(usageStore.put(usage));
            return usage;
        });
        // Toward TRANSACTION_MS, at most doubling at once.
        const elapsed = Math.max(performance.now() - started, 1);
        const { least, most } = ENTRIES_PER_TRANSACTION;
        count = Math.round(Math.min(count * 2, (count * TRANSACTION_MS) / elapsed));
        count = Math.min(most, Math.max(least, count));
    }
    return { ...result, usage: { bytes: usage.bytes, entries: usage.entries } };
}

/**
 * Deletes the entries carrying a tag in one of `tagRanges` (pinned ones
 * excepted), in one transaction.
 *
 * @param {BrowserDatabase} database
 * @param {IDBKeyRange[]} tagRanges
 * @returns {Promise<number>} how many
 */
export function deleteTaggedEntries(database, tagRanges) {
    return database.transaction(DELETION_STORES, "readwrite", async (tx) => {
        const pinned = await pinnedIn(tx);
        const infos = tx.objectStore("read_entries");
        const payloads = tx.objectStore("read_payloads");
        const usageStore = tx.objectStore("read_usage");
        const usage = await readUsage(usageStore);
        const found = await Promise.all(
            tagRanges.map((range) => requestResult(infos.index("tags").getAll(range)))
        );
        const deleted = new Set();
        for (const info of found.flat()) {
            if (!deleted.has(info.key) && !info.tags.some((tag) => pinned.has(tag))) {
                deleted.add(info.key);
                infos.delete(info.key);
                payloads.delete(info.key);
                usage.bytes -= info.size;
                usage.entries -= 1;
            }
        }
        await requestResult(usageStore.put(usage));
        return deleted.size;
    });
}
