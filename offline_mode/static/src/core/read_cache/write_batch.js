/**
 * The read cache's writes: answers and record names received online wait in
 * a batch, written to the store this long after the first one arrived, sealed
 * with the user's key; the requests that brought them never wait for it.
 *
 * Failure behaviour: what waits in the batch is lost if the tab closes (a
 * cache: the next online visit stores it again); a quota error evicts half of
 * the cache and retries once, then gives up on that batch (logged); past the
 * storage cap, the least recently used answers are evicted after the write.
 */
import { browser } from "@web/core/browser/browser";
import { Mutex } from "@web/core/utils/concurrency";
import { isQuotaError } from "../browser_db";
import { sealEntries, sealNames } from "../crypto/read_cache_sealing";

/** Answers are written in batches, this long after the first one of a batch arrived. */
const WRITE_DELAY_MS = 200;
/** Eviction brings the cache this far below the cap, so that it does not run at every write. */
export const EVICTION_TARGET_RATIO = 0.9;

/**
 * @param {Object} readCache
 * @param {import("./read_cache_store").ReadCacheStore} readCache.store
 * @param {Promise} readCache.ready resolved once the store may be used
 * @param {(transform: Function, ...args) => Promise} readCache.sealed runs a
 *   sealing function with the user's keyring (throws while locked)
 * @param {(targetBytes: number) => Promise} readCache.evictTo
 * @param {number} readCache.capBytes
 * @param {(tags: string[]) => void} readCache.onStored tags of answers just stored
 */
export function makeWriteBatch({ store, ready, sealed, evictTo, capBytes, onStored }) {
    /** @type {Map<string, import("./read_cache_store").NewEntry>} */
    const answers = new Map();
    /** "model:id" → { model, id, name }: record names waiting to be stored */
    const names = new Map();
    let writeTimer = null;
    /** One batch written at a time, in order. */
    const writing = new Mutex();

    async function writeNames() {
        const rows = [...names.values()];
        names.clear();
        if (rows.length) {
            await ready;
            await sealed(sealNames, rows)
                .then((sealedRows) => store.putNames(sealedRows))
                .catch((error) =>
                    console.warn("offline_mode: could not store record names", error)
                );
        }
    }

    async function writePending() {
        await writeNames();
        const pending = [...answers.values()];
        answers.clear();
        if (!pending.length) {
            return;
        }
        await ready;
        let entries;
        let usage;
        try {
            entries = await sealed(sealEntries, pending);
            usage = await store.putEntries(entries);
        } catch (error) {
            if (!isQuotaError(error)) {
                console.warn("offline_mode: could not store answers for offline use", error);
                return;
            }
            try {
                await evictTo((await store.usage()).bytes / 2);
                usage = await store.putEntries(entries);
            } catch (retryError) {
                console.warn(
                    "offline_mode: browser storage is full, answers not stored",
                    retryError
                );
                return;
            }
        }
        onStored(entries.flatMap(({ tags }) => tags));
        if (usage.bytes > capBytes) {
            await evictTo(capBytes * EVICTION_TARGET_RATIO);
        }
    }

    return {
        answers,
        names,
        /** Adds an answer to the batch; one already waiting under its key keeps its tags. */
        add(entry) {
            const waiting = answers.get(entry.key);
            const tags = waiting ? [...new Set([...waiting.tags, ...entry.tags])] : entry.tags;
            answers.set(entry.key, { ...entry, tags });
        },
        /** Writes the batch soon (once per batch). */
        schedule() {
            writeTimer ??= browser.setTimeout(() => {
                writeTimer = null;
                writing.exec(writePending);
            }, WRITE_DELAY_MS);
        },
        /** Resolves once the answers received so far are stored. */
        async flush() {
            if (writeTimer !== null) {
                browser.clearTimeout(writeTimer);
                writeTimer = null;
                writing.exec(writePending);
            }
            await writing.getUnlockedDef();
        },
        /** Forgets what waits (logout). */
        clear() {
            answers.clear();
            names.clear();
        },
    };
}
