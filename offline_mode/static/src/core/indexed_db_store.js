/**
 * The browser database of the read cache.
 *
 * One IndexedDB database per Odoo database and user ("offline_mode:<db>:<uid>"),
 * shared by all tabs of that user. Its object stores:
 * - `read_entries`: what is known of each stored answer (key, tags, size, when
 *   stored, when last used) — small, so that eviction scans it quickly;
 * - `read_payloads`: the answers themselves, as JSON text, under the same key;
 * - `read_usage`: one record with the running total of bytes and entries;
 * - `searches`: the search queries run online, per action (search replay);
 * - `pins`: tags whose entries must never be evicted nor cleared (data that
 *   changes made offline still need);
 * - `record_names`: the name of each record seen in an answer, per model
 *   (`{ model, id, name, seenAt }`): the choices of relational fields offline.
 * Eviction and expiry only ever delete from the first four; a hard refresh
 * also clears the names.
 * More stores (the changes made offline, if they move here) come with a new
 * schema version, which upgrades the database in place.
 *
 * Failure model, for every function below:
 * - each write is one IndexedDB transaction: after a crash or a closed tab the
 *   entry, its payload and the usage total are all written or none is (a long
 *   eviction is a series of such transactions, see _deleteEntries); the
 *   transactions are "relaxed": a power cut may lose the last ones, whole;
 * - a second tab works on the same database; IndexedDB runs transactions that
 *   write to the same stores one after the other, so the usage total stays
 *   exact and an entry is never half evicted;
 * - a full disk or quota surfaces as a `QuotaExceededError` from `putEntries`;
 *   the caller evicts and retries (see read_cache_service.js).
 */

/**
 * Schema upgrades, the one at index `n` bringing the database to version `n + 1`.
 * Append new versions; never change a released one.
 */
const SCHEMA_UPGRADES = [
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
        const names = db.createObjectStore("record_names", { keyPath: ["model", "id"] });
        names.createIndex("model", "model");
    },
];

const USAGE_ID = "usage";
/** Most entries one eviction transaction deletes (see _deleteEntries). */
const DELETIONS_PER_TRANSACTION = 1000;

/**
 * @param {string} odooDatabase
 * @param {number} userId
 */
export function offlineDatabaseName(odooDatabase, userId) {
    return `offline_mode:${odooDatabase}:${userId}`;
}

/** @param {IDBRequest} request */
export function requestResult(request) {
    return new Promise((resolve, reject) => {
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
    });
}

/**
 * Runs `work` in one transaction and resolves once it is committed. `work` may
 * only await IndexedDB requests of that transaction (anything else would let it
 * commit early).
 *
 * @template T
 * @param {IDBDatabase} db
 * @param {string[]} storeNames
 * @param {IDBTransactionMode} mode
 * @param {(transaction: IDBTransaction) => Promise<T>} work
 * @returns {Promise<T>}
 */
async function inTransaction(db, storeNames, mode, work) {
    // A cache: after a power cut the last committed writes may be missing (never
    // half written), which spares a disk flush at each commit.
    const transaction = db.transaction(storeNames, mode, { durability: "relaxed" });
    const committed = new Promise((resolve, reject) => {
        transaction.oncomplete = resolve;
        transaction.onabort = () =>
            reject(transaction.error || new DOMException("Transaction aborted", "AbortError"));
    });
    let result;
    try {
        result = await work(transaction);
    } catch (error) {
        try {
            transaction.abort();
        } catch {
            // already finished: `committed` tells how
        }
        await committed.catch(() => {});
        throw transaction.error || error;
    }
    await committed;
    return result;
}

/**
 * Walks a cursor, calling `visit` on each position: it returns true to go on,
 * false to stop, nothing when it moved the cursor itself.
 *
 * @param {IDBRequest<IDBCursor>} request
 * @param {(cursor: IDBCursor) => boolean} visit
 */
function walkCursor(request, visit) {
    return new Promise((resolve, reject) => {
        request.onerror = () => reject(request.error);
        request.onsuccess = () => {
            const cursor = request.result;
            if (!cursor) {
                return resolve();
            }
            const next = visit(cursor);
            if (next === false) {
                resolve();
            } else if (next === true) {
                cursor.continue();
            }
            // undefined: `visit` moved the cursor itself.
        };
    });
}

export function isQuotaError(error) {
    return error?.name === "QuotaExceededError";
}

/**
 * @param {string} name
 * @returns {Promise<IDBDatabase>}
 */
function openOfflineDatabase(name) {
    return new Promise((resolve, reject) => {
        const request = indexedDB.open(name, SCHEMA_UPGRADES.length);
        request.onupgradeneeded = (event) => {
            for (let version = event.oldVersion; version < SCHEMA_UPGRADES.length; version++) {
                SCHEMA_UPGRADES[version](request.result);
            }
        };
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
        // Another tab holds an older version open: it closes it on "versionchange".
        request.onblocked = () => {};
    });
}

/** The usage record of the read cache (nothing stored yet: zero). */
async function readUsage(usageStore) {
    return (
        (await requestResult(usageStore.get(USAGE_ID))) || { id: USAGE_ID, bytes: 0, entries: 0 }
    );
}

/**
 * @typedef {{ key: string, tags: string[], size: number, storedAt: number, usedAt: number }} EntryInfo
 * @typedef {{ key: string, json: string, tags: string[] }} NewEntry
 * @typedef {{ bytes: number, entries: number }} Usage
 */

export class ReadCacheStore {
    /**
     * @param {string} name IndexedDB database name (see offlineDatabaseName)
     */
    constructor(name) {
        this.name = name;
        /** @type {Promise<IDBDatabase> | null} */
        this._db = null;
    }

    /** @returns {Promise<IDBDatabase>} */
    database() {
        if (!this._db) {
            this._db = openOfflineDatabase(this.name).then((db) => {
                // A tab with a newer schema wants to upgrade, or the database is
                // being deleted (logout in another tab): let it, reopen on next use.
                db.onversionchange = () => {
                    db.close();
                    this._db = null;
                };
                return db;
            });
            this._db.catch(() => (this._db = null));
        }
        return this._db;
    }

    close() {
        const db = this._db;
        this._db = null;
        return db?.then(
            (db) => db.close(),
            () => {}
        );
    }

    /**
     * Stores answers (replacing those with the same key) and updates the usage
     * total, in one transaction.
     *
     * @param {NewEntry[]} entries
     * @param {number} [now]
     * @returns {Promise<Usage>} the usage after the write
     */
    async putEntries(entries, now = Date.now()) {
        const db = await this.database();
        return inTransaction(
            db,
            ["read_entries", "read_payloads", "read_usage"],
            "readwrite",
            async (tx) => {
                const infos = tx.objectStore("read_entries");
                const payloads = tx.objectStore("read_payloads");
                const usageStore = tx.objectStore("read_usage");
                const usage = await readUsage(usageStore);
                const previous = await Promise.all(
                    entries.map(({ key }) => requestResult(infos.get(key)))
                );
                entries.forEach(({ key, json, tags }, index) => {
                    const size = key.length + json.length;
                    infos.put({ key, tags, size, storedAt: now, usedAt: now });
                    payloads.put({ key, json });
                    usage.bytes += size - (previous[index]?.size || 0);
                    usage.entries += previous[index] ? 0 : 1;
                });
                await requestResult(usageStore.put(usage));
                return { bytes: usage.bytes, entries: usage.entries };
            }
        );
    }

    /**
     * The stored answer of a key, as JSON text, unless it is older than `maxAgeMs`.
     *
     * @param {string} key
     * @param {{ maxAgeMs?: number, now?: number }} [options]
     * @returns {Promise<string | undefined>}
     */
    async getJson(key, { maxAgeMs = 0, now = Date.now() } = {}) {
        const db = await this.database();
        return inTransaction(db, ["read_entries", "read_payloads"], "readonly", async (tx) => {
            const info = await requestResult(tx.objectStore("read_entries").get(key));
            if (!info || (maxAgeMs && info.storedAt < now - maxAgeMs)) {
                return undefined;
            }
            const payload = await requestResult(tx.objectStore("read_payloads").get(key));
            return payload?.json;
        });
    }

    /**
     * Marks entries as just used, for the least-recently-used eviction order.
     *
     * @param {string[]} keys
     * @param {number} [now]
     */
    async touch(keys, now = Date.now()) {
        const db = await this.database();
        await inTransaction(db, ["read_entries"], "readwrite", async (tx) => {
            const infos = tx.objectStore("read_entries");
            const found = await Promise.all(keys.map((key) => requestResult(infos.get(key))));
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
        const db = await this.database();
        return inTransaction(db, ["read_entries"], "readonly", async (tx) => {
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
        const db = await this.database();
        return inTransaction(db, ["read_entries"], "readonly", (tx) =>
            requestResult(
                tx
                    .objectStore("read_entries")
                    .index("tags")
                    .getAllKeys(IDBKeyRange.only(tag), limit)
            )
        );
    }

    /**
     * Ids of the actions some stored answer is tagged with (`action:<id>`).
     *
     * @returns {Promise<number[]>}
     */
    async storedActionIds() {
        const db = await this.database();
        const tags = new Set();
        const actionTags = IDBKeyRange.bound("action:", "action:\uffff");
        await inTransaction(db, ["read_entries"], "readonly", (tx) =>
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
        const db = await this.database();
        return inTransaction(db, ["read_usage"], "readonly", async (tx) => {
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
        return this._deleteEntries("usedAt", null, (usage) => usage.bytes > targetBytes);
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
        return this._deleteEntries("usedAt", now - maxAgeMs, () => true);
    }

    /**
     * Deletes the entries carrying a tag in one of `tagRanges` (pinned ones
     * excepted), in one transaction.
     *
     * @param {IDBKeyRange[]} tagRanges
     */
    async deleteTagged(tagRanges) {
        const db = await this.database();
        return inTransaction(
            db,
            ["read_entries", "read_payloads", "read_usage", "pins"],
            "readwrite",
            async (tx) => {
                const pinned = new Set(await requestResult(tx.objectStore("pins").getAllKeys()));
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
            }
        );
    }

    /**
     * Deletes the read data: every stored answer except pinned ones, and the
     * remembered searches. Pins are kept.
     */
    async clearReadData() {
        const db = await this.database();
        await inTransaction(db, ["searches", "record_names"], "readwrite", (tx) =>
            Promise.all([
                requestResult(tx.objectStore("searches").clear()),
                requestResult(tx.objectStore("record_names").clear()),
            ])
        );
        return this._deleteEntries(null, null, () => true);
    }

    /**
     * Deletes entries in the order of the `usedAt` index (below `usedBefore`
     * when given), or of their keys when `indexName` is null, while
     * `shouldContinue(usage)` holds, skipping pinned ones.
     *
     * Runs as a series of transactions of at most DELETIONS_PER_TRANSACTION
     * deletions, so that reads (of this tab or another) never wait long; each
     * one updates the usage total with its deletions, so a crash between two
     * leaves a consistent, partly evicted cache. Each transaction resumes where
     * the previous one stopped instead of walking again over what it deleted.
     *
     * @param {"usedAt" | null} indexName
     * @param {number | null} usedBefore
     * @param {(usage: Usage) => boolean} shouldContinue
     */
    async _deleteEntries(indexName, usedBefore, shouldContinue) {
        const db = await this.database();
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
            usage = await inTransaction(
                db,
                ["read_entries", "read_payloads", "read_usage", "pins"],
                "readwrite",
                async (tx) => {
                    const pinned = new Set(
                        await requestResult(tx.objectStore("pins").getAllKeys())
                    );
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
                }
            );
        }
        return { ...result, usage: { bytes: usage.bytes, entries: usage.entries } };
    }

    /** @param {string} tag entries carrying it are never evicted nor cleared */
    async pin(tag) {
        const db = await this.database();
        await inTransaction(db, ["pins"], "readwrite", (tx) =>
            requestResult(tx.objectStore("pins").put({ tag }))
        );
    }

    /** @param {string} tag */
    async unpin(tag) {
        const db = await this.database();
        await inTransaction(db, ["pins"], "readwrite", (tx) =>
            requestResult(tx.objectStore("pins").delete(tag))
        );
    }

    /** @returns {Promise<string[]>} */
    async pinnedTags() {
        const db = await this.database();
        return inTransaction(db, ["pins"], "readonly", (tx) =>
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
        const db = await this.database();
        await inTransaction(db, ["searches"], "readwrite", async (tx) => {
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
        const db = await this.database();
        const searches = await inTransaction(db, ["searches"], "readonly", (tx) =>
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
        const db = await this.database();
        await inTransaction(db, ["record_names"], "readwrite", async (tx) => {
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
        const db = await this.database();
        const found = await inTransaction(db, ["record_names"], "readonly", (tx) =>
            requestResult(
                tx.objectStore("record_names").index("model").getAll(IDBKeyRange.only(model))
            )
        );
        return found.map(({ id, name }) => ({ id, name }));
    }

    /**
     * Deletes the whole database of this user (logout). Other tabs close their
     * connection on "versionchange" and the deletion goes through.
     */
    async deleteDatabase() {
        await this.close();
        await new Promise((resolve, reject) => {
            const request = indexedDB.deleteDatabase(this.name);
            request.onsuccess = resolve;
            request.onerror = () => reject(request.error);
            request.onblocked = () => {};
        });
    }
}
