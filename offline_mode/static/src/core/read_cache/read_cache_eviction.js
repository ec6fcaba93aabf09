/**
 * What leaves the read cache: least recently used answers past the storage
 * cap, answers past their expiry, answers of an action whose data caching was
 * switched off, everything at a hard refresh. Entries carrying a pinned tag
 * (data that changes made offline still need) are never deleted here.
 *
 * Failure behaviour: each deletion and the usage total it changes are written
 * in the same transaction, so a crash or a closed tab leaves a consistent
 * cache. A long eviction is a series of transactions of at most
 * DELETIONS_PER_TRANSACTION deletions, so that reads (of this tab or another)
 * never wait long; a crash between two leaves it partly done, consistent.
 * Another tab evicting at the same time is run before or after, never
 * interleaved (IndexedDB orders transactions on the same stores).
 */
import { requestResult, walkCursor } from "../browser_db";
import { DELETION_STORES, pinnedIn, readUsage } from "./read_cache_schema";

/** Most entries one eviction transaction deletes (see deleteEntriesInOrder). */
const DELETIONS_PER_TRANSACTION = 1000;

/**
 * @typedef {import("./read_cache_schema").Usage} Usage
 * @typedef {import("../browser_db").BrowserDatabase} BrowserDatabase
 */

/**
 * Deletes entries in the order of the `usedAt` index (below `usedBefore`
 * when given), or of their keys when `indexName` is null, while
 * `shouldContinue(usage)` holds, skipping pinned ones.
 *
 * Each transaction resumes where the previous one stopped instead of walking
 * again over what it deleted.
 *
 * @param {BrowserDatabase} database
 * @param {"usedAt" | null} indexName
 * @param {number | null} usedBefore
 * @param {(usage: Usage) => boolean} shouldContinue
 * @returns {Promise<{ evicted: number, freedBytes: number, tags: Set<string>, usage: Usage }>}
 */
export async function deleteEntriesInOrder(database, indexName, usedBefore, shouldContinue) {
    const result = { evicted: 0, freedBytes: 0, tags: new Set() };
    /** @type {{ key: any, primaryKey: string } | null} the last position visited */
    let last = null;
    let finished = false;
    let usage;
    const rangeFrom = (lower) => {
        if (usedBefore === null) {
            // Keys of the store are unique: resume strictly after the last one.
            return lower === undefined ? null : IDBKeyRange.lowerBound(lower, !indexName);
        }
        return lower === undefined
            ? IDBKeyRange.upperBound(usedBefore, true)
            : IDBKeyRange.bound(lower, usedBefore, false, true);
    };
    while (!finished) {
        usage = await database.transaction(DELETION_STORES, "readwrite", async (tx) => {
            const pinned = await pinnedIn(tx);
            const usageStore = tx.objectStore("read_usage");
            const usage = await readUsage(usageStore);
            const payloads = tx.objectStore("read_payloads");
            const infos = tx.objectStore("read_entries");
            const source = indexName ? infos.index(indexName) : infos;
            const request = source.openCursor(rangeFrom(last?.key));
            let resuming = Boolean(last && indexName);
            let deletions = 0;
            finished = true;
            await walkCursor(request, (cursor) => {
                if (resuming) {
                    resuming = false;
                    // Index keys repeat (a batch is stored at one time): skip to
                    // the last entry visited, by primary key.
                    if (
                        indexedDB.cmp(cursor.key, last.key) === 0 &&
                        indexedDB.cmp(cursor.primaryKey, last.primaryKey) < 0
                    ) {
                        cursor.continuePrimaryKey(last.key, last.primaryKey);
                        return undefined;
                    }
                }
                if (!shouldContinue(usage)) {
                    return false;
                }
                if (deletions === DELETIONS_PER_TRANSACTION) {
                    finished = false;
                    return false;
                }
                const info = cursor.value;
                last = { key: cursor.key, primaryKey: cursor.primaryKey };
                if (info.tags.some((tag) => pinned.has(tag))) {
                    return true;
                }
                cursor.delete();
                payloads.delete(info.key);
                usage.bytes -= info.size;
                usage.entries -= 1;
                deletions += 1;
                result.freedBytes += info.size;
                info.tags.forEach((tag) => result.tags.add(tag));
                return true;
            });
            result.evicted += deletions;
            await requestResult(usageStore.put(usage));
            return usage;
        });
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
