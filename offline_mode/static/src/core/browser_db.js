/**
 * The one IndexedDB layer of offline mode, under the read cache
 * (read_cache/read_cache_store.js) and the outbox (outbox/outbox_store.js):
 * a database opened on first use with its schema brought up to date by an
 * ordered list of upgrades, transactions that resolve once committed, quota
 * errors told apart, deletion.
 *
 * Failure behaviour:
 * - a transaction is all or nothing: when its work throws, it is aborted and
 *   the error (the transaction's own when it has one, e.g. a quota error) is
 *   thrown once the abort is done; nothing of it is written;
 * - how durable a committed transaction is, is each database's choice (see
 *   BrowserDatabase): "relaxed" may lose the last ones, whole, at a power cut;
 * - a database that fails to open is opened again at the next use; another tab
 *   upgrading or deleting it makes this one close it and reopen on next use;
 * - opening or deleting while another tab holds an older version open waits
 *   until that tab closed it (it does so on "versionchange").
 */

/** @param {IDBRequest} request */
export function requestResult(request) {
    return new Promise((resolve, reject) => {
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
    });
}

/**
 * Walks a cursor, calling `visit` on each position: it returns true to go on,
 * false to stop, nothing when it moved the cursor itself.
 *
 * @param {IDBRequest<IDBCursor>} request
 * @param {(cursor: IDBCursor) => boolean | undefined} visit
 */
export function walkCursor(request, visit) {
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

/** Whether `error` says the disk or the origin's quota is full. */
export function isQuotaError(error) {
    return error?.name === "QuotaExceededError";
}

/**
 * @typedef {(db: IDBDatabase, transaction: IDBTransaction) => void} Upgrade
 *   may move data with requests of `transaction` (the upgrade's own): the
 *   database opens once they are done, or not at all if one fails
 */

/**
 * @param {string} name
 * @param {Upgrade[]} upgrades
 * @returns {Promise<IDBDatabase>}
 */
function openWithUpgrades(name, upgrades) {
    return new Promise((resolve, reject) => {
        const request = indexedDB.open(name, upgrades.length);
        request.onupgradeneeded = (event) => {
            for (let version = event.oldVersion; version < upgrades.length; version++) {
                upgrades[version](request.result, request.transaction);
            }
        };
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
        // Another tab holds an older version open: it closes it on "versionchange".
        request.onblocked = () => {};
    });
}

/**
 * A browser database of one user, shared by their tabs. Stores extend it.
 */
export class BrowserDatabase {
    /**
     * @param {string} name the IndexedDB database name
     * @param {Object} schema
     * @param {Upgrade[]} schema.upgrades the one at
     *   index `n` brings the database to version `n + 1`: append new versions,
     *   never change a released one (databases in browsers upgrade in place)
     * @param {IDBTransactionDurability} [schema.durability] of the writes
     */
    constructor(name, { upgrades, durability = "default" }) {
        this.name = name;
        this._upgrades = upgrades;
        this._durability = durability;
        /** @type {Promise<IDBDatabase> | null} */
        this._db = null;
    }

    /** @returns {Promise<IDBDatabase>} */
    database() {
        if (!this._db) {
            this._db = openWithUpgrades(this.name, this._upgrades).then((db) => {
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

    async close() {
        const opening = this._db;
        this._db = null;
        (await opening?.catch(() => null))?.close();
    }

    /**
     * Runs `work` in one transaction and resolves with its result once it is
     * committed. `work` may only await IndexedDB requests of that transaction
     * (anything else would let it commit early).
     *
     * @template T
     * @param {string[]} storeNames
     * @param {IDBTransactionMode} mode
     * @param {(transaction: IDBTransaction) => Promise<T>} work
     * @returns {Promise<T>}
     */
    async transaction(storeNames, mode, work) {
        const db = await this.database();
        const transaction = db.transaction(storeNames, mode, {
            durability: this._durability,
        });
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
     * Deletes the whole database (logout). Other tabs close their connection
     * on "versionchange" and the deletion goes through.
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
