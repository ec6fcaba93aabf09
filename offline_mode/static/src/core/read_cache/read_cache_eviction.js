/**
 * What leaves the read cache: least recently used answers past the storage
 * cap, answers past their expiry, answers of an action whose data caching was
 * switched off, everything at a hard refresh. Entries carrying a pinned tag
 * (data that changes made offline still need) are never deleted here.
 *
 * How a pass goes (read_cache_schema.js keys answers `[placedAt, key]`): it
 * reads entries from the first in that order and deletes what it visited with
 * one range deletion per store, instead of one request per answer. An entry
 * it meets used since it was placed is moved to the place of its last use
 * (and met again there if the pass goes that far); a pinned one is moved to
 * the end. Reading an answer only writes its time of use: the order is put
 * right by the pass that needs it.
 *
 * Failure behaviour: the deletions, the moves and the usage total they change
 * are written in the same transaction, so a crash or a closed tab leaves a
 * consistent cache. A long pass is a series of short transactions (about
 * TRANSACTION_MS each), so that reads (of this tab or another) never wait
 * long; a crash between two leaves it partly done, consistent.
 * Another tab evicting at the same time is run before or after, never
 * interleaved (IndexedDB orders transactions on the same stores).
 */
import { requestResult } from "../browser_db";
import { DELETION_STORES, pinnedIn, readUsage } from "./read_cache_schema";

/**
 * How many entries one eviction transaction visits. The count follows how
 * fast the browser goes, so that a transaction lasts about TRANSACTION_MS:
 * reads of the page, which wait for it, never wait long.
 */
const ENTRIES_PER_TRANSACTION = { first: 1000, least: 100, most: 10000 };
const TRANSACTION_MS = 50;

/**
 * @typedef {import("./read_cache_schema").Usage} Usage
 * @typedef {import("./read_cache_store").EntryInfo} EntryInfo
 * @typedef {import("../browser_db").BrowserDatabase} BrowserDatabase
 */

/** @param {EntryInfo} info */
const placeOf = (info) => [info.placedAt, info.key];

/**
 * Goes through `batch` (entries read in eviction order) as the pass does:
 * each entry is evicted, or moved (pinned: to `now`, at the end; used since
 * placed: to its time of use, and met again in this batch if that place is
 * within it), until `shouldEvict()` is false or an entry moved to the end is
 * met again (all was visited).
 *
 * @param {EntryInfo[]} batch
 * @param {Object} pass
 * @param {(info: EntryInfo) => boolean} pass.isPinned
 * @param {boolean} pass.clearAll evict used entries too
 * @param {number} pass.now
 * @param {Set<string>} pass.movedToEnd keys moved to the end by this pass so far
 * @param {() => boolean} pass.shouldEvict
 * @param {(info: EntryInfo) => void} pass.evict
 * @returns {{ last: EntryInfo | null, moves: Map<string, [EntryInfo, number]>, stopped: boolean }}
 *   `last`: the last entry of `batch` visited (what is deleted ends there);
 *   `moves`: entries to write again, by key: as stored, and their new place
 */
function visitBatch(batch, { isPinned, clearAll, now, movedToEnd, shouldEvict, evict }) {
    const moves = new Map();
    /** entries moved within the batch, in order of their new place */
    const later = [];
    const end = batch.length && placeOf(batch.at(-1));
    let next = 0;
    let last = null;
    while (next < batch.length || later.length) {
        const fromBatch =
            next < batch.length &&
            (!later.length || indexedDB.cmp(placeOf(batch[next]), placeOf(later[0])) < 0);
        const info = fromBatch ? batch[next] : later[0];
        if (!shouldEvict() || movedToEnd.has(info.key)) {
            return { last, moves, stopped: true };
        }
        if (fromBatch) {
            next += 1;
            last = info;
        } else {
            later.shift();
        }
        if (isPinned(info)) {
            movedToEnd.add(info.key);
            moves.set(info.key, [info, now]);
        } else if (!clearAll && info.usedAt > info.placedAt) {
            const moved = { ...info, placedAt: info.usedAt };
            moves.set(info.key, [info, moved.placedAt]);
            if (indexedDB.cmp(placeOf(moved), end) < 0) {
                const at = later.findIndex(
                    (other) => indexedDB.cmp(placeOf(other), placeOf(moved)) > 0
                );
                later.splice(at === -1 ? later.length : at, 0, moved);
            }
        } else {
            // Met again at its new place: the stored one goes with the range.
            moves.delete(info.key);
            evict(info);
        }
    }
    return { last, moves, stopped: false };
}

/**
 * Deletes entries in eviction order while `shouldContinue(usage)` holds,
 * skipping pinned ones: those last used before `before` when given, or all of
 * them with `clearAll` (used or not).
 *
 * @param {BrowserDatabase} database
 * @param {Object} pass
 * @param {number | null} [pass.before]
 * @param {boolean} [pass.clearAll]
 * @param {(usage: Usage) => boolean} [pass.shouldContinue]
 * @param {number} [pass.now] where pinned entries are moved
 * @returns {Promise<{ evicted: number, freedBytes: number, tags: Set<string>, usage: Usage }>}
 */
export async function deleteEntriesInOrder(
    database,
    { before = null, clearAll = false, shouldContinue = () => true, now = Date.now() }
) {
    const result = { evicted: 0, freedBytes: 0, tags: new Set() };
    const movedToEnd = new Set();
    const range = before === null ? null : IDBKeyRange.upperBound([before], true);
    let finished = false;
    let usage;
    let count = ENTRIES_PER_TRANSACTION.first;
    while (!finished) {
        const started = performance.now();
        usage = await database.transaction(DELETION_STORES, "readwrite", async (tx) => {
            const pinned = await pinnedIn(tx);
            const usageStore = tx.objectStore("read_usage");
            const usage = await readUsage(usageStore);
            const infos = tx.objectStore("read_entries");
            const payloads = tx.objectStore("read_payloads");
            const batch = await requestResult(infos.getAll(range, count));
            const { last, moves, stopped } = visitBatch(batch, {
                isPinned: (info) => info.tags.some((tag) => pinned.has(tag)),
                clearAll,
                now,
                movedToEnd,
                shouldEvict: () => shouldContinue(usage),
                evict: (info) => {
                    usage.bytes -= info.size;
                    usage.entries -= 1;
                    result.evicted += 1;
                    result.freedBytes += info.size;
                    info.tags.forEach((tag) => result.tags.add(tag));
                },
            });
            // Entries moved to their time of use are met again by the next transaction.
            const movedAhead = [...moves.keys()].some((key) => !movedToEnd.has(key));
            finished = stopped || !shouldContinue(usage) || (batch.length < count && !movedAhead);
            if (last) {
                const moved = [...moves.values()];
                const payloadsMoved = await Promise.all(
                    moved.map(([info]) => requestResult(payloads.get(placeOf(info))))
                );
                const visited = IDBKeyRange.upperBound(placeOf(last));
                infos.delete(visited);
                payloads.delete(visited);
                moved.forEach(([info, placedAt], index) => {
                    infos.put({ ...info, placedAt });
                    if (payloadsMoved[index]) {
                        payloads.put({ ...payloadsMoved[index], placedAt });
                    }
                });
            }
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
                infos.delete([info.placedAt, info.key]);
                payloads.delete([info.placedAt, info.key]);
                usage.bytes -= info.size;
                usage.entries -= 1;
            }
        }
        await requestResult(usageStore.put(usage));
        return deleted.size;
    });
}
