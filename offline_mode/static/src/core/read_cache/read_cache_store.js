/**
 * The read cache's store: the answers stored for offline use, their usage
 * total, pins, remembered searches and record names, in the database
 * read_cache_schema.js describes. What leaves it is read_cache_eviction.js.
 *
 * Failure model, for every method below:
 * - each write is one IndexedDB transaction: after a crash or a closed tab the
 *   entry, its payload and the usage total are all written or none is; the
 *   transactions are "relaxed" (a cache: it spares a disk flush at each
 *   commit): a power cut may lose the last ones, whole;
 * - a second tab works on the same database; IndexedDB runs transactions that
 *   write to the same stores one after the other, so the usage total stays
 *   exact and an entry is never half evicted;
 * - a full disk or quota surfaces as a `QuotaExceededError` from `putEntries`;
 *   the caller evicts and retries (see read_cache_service.js).
 */
import { BrowserDatabase, requestResult, walkCursor } from "../browser_db";
import { deleteEntriesInOrder, deleteTaggedEntries } from "./read_cache_eviction";
import { ENTRY_STORES, READ_CACHE_UPGRADES, readUsage } from "./read_cache_schema";

/**
 * @typedef {{ key: string, placedAt: number, tags: string[], size: number, storedAt: number, usedAt: number }} EntryInfo
 *   `placedAt`: its place in eviction order (see read_cache_schema.js)
 * @typedef {{ key: string, json: string, tags: string[] }} NewEntry
 * @typedef {import("./read_cache_schema").Usage} Usage
 */

export class ReadCacheStore extends BrowserDatabase {
    /**
     * @param {string} name IndexedDB database name (see offlineDatabaseName)
     */
    constructor(name) {
        super(name, { upgrades: READ_CACHE_UPGRADES, durability: "relaxed" });
    }

    /**
     * Stores answers (replacing those with the same key) and updates the usage
     * total, in one transaction. A key keeps the tags it had: two actions whose
     * views send the same request share its answer, and both stay available.
     *
     * @param {NewEntry[]} entries
     * @param {number} [now]
     * @returns {Promise<Usage>} the usage after the write
     */
    async putEntries(entries, now = Date.now()) {
        // The last answer of a key sent twice is the one kept.
        const latest = [...new Map(entries.map((entry) => [entry.key, entry])).values()];
        return this.transaction(ENTRY_STORES, "readwrite", async (tx) => {
            const infos = tx.objectStore("read_entries");
            const payloads = tx.objectStore("read_payloads");
            const usageStore = tx.objectStore("read_usage");
            const usage = await readUsage(usageStore);
            const previous = await Promise.all(
                latest.map(({ key }) => requestResult(infos.index("key").get(key)))
            );
            latest.forEach(({ key, json, tags }, index) => {
                const before = previous[index];
                if (before) {
                    infos.delete([before.placedAt, key]);
                    payloads.delete([before.placedAt, key]);
                }
                const size = key.length + json.length;
                const allTags = [...new Set([...(before?.tags || []), ...tags])];
                const placedAt = now;
                infos.put({ key, placedAt, tags: allTags, size, storedAt: now, usedAt: now });
                payloads.put({ key, placedAt, json });
                usage.bytes += size - (before?.size || 0);
                usage.entries += before ? 0 : 1;
            });
            await requestResult(usageStore.put(usage));
            return { bytes: usage.bytes, entries: usage.entries };
        });
    }

    /**
     * The stored answer of a key, as JSON text, unless it is older than `maxAgeMs`.
     *
     * @param {string} key
     * @param {{ maxAgeMs?: number, now?: number }} [options]
     * @returns {Promise<string | undefined>}
     */
    async getJson(key, { maxAgeMs = 0, now = Date.now() } = {}) {
        return this.transaction(["read_entries", "read_payloads"], "readonly", async (tx) => {
            const info = await requestResult(tx.objectStore("read_entries").index("key").get(key));
            if (!info || (maxAgeMs && info.storedAt < now - maxAgeMs)) {
                return undefined;
            }
            const payload = await requestResult(
                tx.objectStore("read_payloads").get([info.placedAt, key])
            );
            return payload?.json;
        });
    }

    /**
     * Marks entries as just used, for the least-recently-used eviction order
     * (the entry keeps its place until a pass meets it: see read_cache_eviction.js).
     *
     * @param {string[]} keys
     * @param {number} [now]
     */
    async touch(keys, now = Date.now()) {
        await this.transaction(["read_entries"], "readwrite", async (tx) => {
            const infos = tx.objectStore("read_entries");
            const found = await Promise.all(
                keys.map((key) => requestResult(infos.index("key").get(key)))
            );
            for (const info of found) {
                if (info) {
                    infos.put({ ...info, usedAt: now });
                }
            }
        });
    }

    /**
     * Which of `tags` some stored answer not older than `maxAgeMs` carries.
     *
     * @param {string[]} tags
     * @param {{ maxAgeMs?: number, now?: number }} [options]
     * @returns {Promise<Map<string, boolean>>}
     */
    async findTags(tags, { maxAgeMs = 0, now = Date.now() } = {}) {
        return this.transaction(["read_entries"], "readonly", async (tx) => {
            const index = tx.objectStore("read_entries").index("tags");
            const found = new Map();
            await Promise.all(
                tags.map((tag) =>
                    walkCursor(index.openCursor(IDBKeyRange.only(tag)), (cursor) => {
                        found.set(tag, !maxAgeMs || cursor.value.storedAt >= now - maxAgeMs);
                        return !found.get(tag);
                    }).then(() => found.set(tag, found.get(tag) || false))
                )
            );
            return found;
        });
    }

    /**
     * Keys of the answers carrying `tag`, at most `limit` of them.
     *
     * @param {string} tag
     * @param {number} limit
     * @returns {Promise<string[]>}
     */
    async keysWithTag(tag, limit) {
        const infos = await this.transaction(["read_entries"], "readonly", (tx) =>
            requestResult(
                tx.objectStore("read_entries").index("tags").getAll(IDBKeyRange.only(tag), limit)
            )
        );
        return infos.map((info) => info.key);
    }

    /**
     * Ids of the actions some stored answer is tagged with (`action:<id>`).
     *
     * @returns {Promise<number[]>}
     */
    async storedActionIds() {
        const tags = new Set();
        const actionTags = IDBKeyRange.bound("action:", "action:\uffff");
        await this.transaction(["read_entries"], "readonly", (tx) =>
            walkCursor(
                tx
                    .objectStore("read_entries")
                    .index("tags")
                    .openKeyCursor(actionTags, "nextunique"),
                (cursor) => {
                    tags.add(cursor.key);
                    return true;
                }
            )
        );
        return [...tags].map((tag) => Number(tag.slice("action:".length))).filter(Number.isInteger);
    }

    /** @returns {Promise<Usage>} */
    async usage() {
        return this.transaction(["read_usage"], "readonly", async (tx) => {
            const { bytes, entries } = await readUsage(tx.objectStore("read_usage"));
            return { bytes, entries };
        });
    }

    /**
     * Deletes entries, least recently used first, until the stored answers take
     * at most `targetBytes`. Pinned entries are skipped.
     *
     * @param {number} targetBytes
     * @returns {Promise<{ evicted: number, freedBytes: number, tags: Set<string>, usage: Usage }>}
     */
    async evictTo(targetBytes) {
        return deleteEntriesInOrder(this, {
            shouldContinue: (usage) => usage.bytes > targetBytes,
        });
    }

    /**
     * Deletes the entries not used since `now - maxAgeMs` (pinned ones excepted):
     * they were stored before too, so they may no longer be served. (An old entry
     * used offline since stays until evicted, but is not served either.)
     *
     * @param {number} maxAgeMs
     * @param {number} [now]
     */
    async deleteExpired(maxAgeMs, now = Date.now()) {
        return deleteEntriesInOrder(this, { before: now - maxAgeMs, now });
    }

    /**
     * Deletes the entries carrying a tag in one of `tagRanges` (pinned ones
     * excepted), in one transaction.
     *
     * @param {IDBKeyRange[]} tagRanges
     */
    deleteTagged(tagRanges) {
        return deleteTaggedEntries(this, tagRanges);
    }

    /**
     * Deletes the read data: every stored answer except pinned ones, and the
     * remembered searches. Pins are kept.
     */
    async clearReadData() {
        await this.transaction(["searches", "record_names"], "readwrite", (tx) =>
            Promise.all([
                requestResult(tx.objectStore("searches").clear()),
                requestResult(tx.objectStore("record_names").clear()),
            ])
        );
        return deleteEntriesInOrder(this, { clearAll: true });
    }

    /** @param {string} tag entries carrying it are never evicted nor cleared */
    async pin(tag) {
        await this.transaction(["pins"], "readwrite", (tx) =>
            requestResult(tx.objectStore("pins").put({ tag }))
        );
    }

    /** @param {string} tag */
    async unpin(tag) {
        await this.transaction(["pins"], "readwrite", (tx) =>
            requestResult(tx.objectStore("pins").delete(tag))
        );
    }

    /** @returns {Promise<string[]>} */
    async pinnedTags() {
        return this.transaction(["pins"], "readonly", (tx) =>
            requestResult(tx.objectStore("pins").getAllKeys())
        );
    }

    /**
     * Remembers a search (replacing the one with the same id) and keeps at most
     * `keep` searches per action, the most recently used.
     *
     * @param {{ id: string, actionId: number, label: string, state: Object, usedAt: number }} search
     * @param {number} keep
     */
    async saveSearch(search, keep) {
        await this.transaction(["searches"], "readwrite", async (tx) => {
            const searches = tx.objectStore("searches");
            searches.put(search);
            const all = await requestResult(
                searches.index("actionId").getAll(IDBKeyRange.only(search.actionId))
            );
            all.sort((a, b) => b.usedAt - a.usedAt)
                .slice(keep)
                .forEach(({ id }) => searches.delete(id));
        });
    }

    /**
     * @param {number} actionId
     * @returns {Promise<Array<{ id: string, actionId: number, label: string, state: Object, usedAt: number }>>}
     */
    async searchesFor(actionId) {
        const searches = await this.transaction(["searches"], "readonly", (tx) =>
            requestResult(
                tx.objectStore("searches").index("actionId").getAll(IDBKeyRange.only(actionId))
            )
        );
        return searches.sort((a, b) => b.usedAt - a.usedAt);
    }

    /**
     * Remembers the names of records (replacing what was known of them).
     *
     * @param {Array<{ model: string, id: number, name: string }>} names
     * @param {number} [now]
     */
    async putNames(names, now = Date.now()) {
        await this.transaction(["record_names"], "readwrite", async (tx) => {
            const store = tx.objectStore("record_names");
            for (const { model, id, name } of names) {
                store.put({ model, id, name, seenAt: now });
            }
        });
    }

    /**
     * The records of a model whose name is known.
     *
     * @param {string} model
     * @returns {Promise<Array<{ id: number, name: string }>>}
     */
    async namesOf(model) {
        const found = await this.transaction(["record_names"], "readonly", (tx) =>
            requestResult(
                tx.objectStore("record_names").index("model").getAll(IDBKeyRange.only(model))
            )
        );
        return found.map(({ id, name }) => ({ id, name }));
    }
}
