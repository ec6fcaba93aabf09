/**
 * The outbox's storage: the changes made offline that the server has not
 * applied yet (the service, outbox_service.js, keeps a copy for the views).
 *
 * Kept in a browser database of its own (outbox_schema.js: its stores, and
 * what of a change is sealed with the user's key), never evicted; logging out
 * deletes it, after warning the user when changes are still waiting.
 *
 * Nothing lost, nothing twice — what each path guarantees:
 * - every write below is one IndexedDB transaction: after a crash, a closed tab
 *   or a hard refresh a change is fully queued or not at all, and the caller
 *   only tells the user "saved offline" once the transaction committed;
 * - a full disk or quota aborts the transaction: `addAll` throws OutboxFullError
 *   and the caller tells the user the change could not be saved offline
 *   (outbox_enqueue.js says how queueing is done);
 * - a change leaves the outbox only when discarded by the user or when the
 *   server's answer "applied" is stored (`settle`): a crash mid-sync keeps it,
 *   and sending it again is answered as a replay of the same uuid;
 * - a change marked `sent` (outbox_sending.js: a batch's mark is one record of
 *   its uuids, on disk before the request leaves) may have been applied with
 *   its answer lost: it takes no more merges (a later edit becomes a change of
 *   its own), so what is sent again under its uuid is exactly what the server
 *   may already have;
 *   discarding it (allowed once no request carries it) drops it here, but if
 *   the lost answer was "applied" the server keeps it: the record then shows
 *   the server's values, which say so;
 * - tabs share the database. Every write that reads, decrypts, plans, encrypts
 *   and writes does so holding a Web Lock named after the database (WebCrypto
 *   cannot run inside an IndexedDB transaction: it would commit early), so a
 *   merge and the sync marking a change `sent` never interleave; the write
 *   itself is one transaction. Queueing a change whose records have nothing
 *   queued needs no lock: one transaction checks that and writes
 *   (outbox_enqueue.js), and a queueing under the lock writes only if the
 *   counter did not move since it read. The tabs channel tells the other tabs
 *   to read it again.
 * - writes are strict: a change is on disk when its transaction completes,
 *   so one the user was told is saved survives a power cut (the read cache,
 *   which can be fetched again, writes relaxed).
 */

import { browser } from "@web/core/browser/browser";
import { BrowserDatabase, requestResult } from "../browser_db";
import { CREATE } from "../offline_change";
import { enqueueChanges } from "./outbox_enqueue";
import { OutboxLockedError } from "./outbox_errors";
import { settle, takeBatch } from "./outbox_sending";
import {
    MODELS_WITH_DEFAULTS_KEY,
    openChange,
    OUTBOX_UPGRADES,
    readMeta,
    readSent,
    RESOLVED_IDS_KEY,
    sealChange,
    withSent,
    writeSent,
} from "./outbox_schema";

export class OutboxStore extends BrowserDatabase {
    /**
     * @param {string} name
     * @param {Keyring|null|Promise<Keyring|null>} keyring what changes are sealed
     *   with (static/lib/offline_crypto.js); null: locked
     */
    constructor(name, keyring) {
        super(name, { upgrades: OUTBOX_UPGRADES, durability: "strict" });
        this._keyring = Promise.resolve(keyring);
        /** The counter as this tab last read or wrote it (outbox_enqueue.js); null: unknown. */
        this._counter = null;
        /** uuid → what of it settling needs, for the changes this tab took to send (outbox_sending.js) */
        this._sending = new Map();
    }

    /**
     * Runs `work(changes, meta)` in one transaction over both stores; resolves
     * with its result once committed (see BrowserDatabase.transaction).
     */
    _transaction(mode, work) {
        return this.transaction(["changes", "meta"], mode, (tx) =>
            work(tx.objectStore("changes"), tx.objectStore("meta"))
        );
    }

    async keyring() {
        const keyring = await this._keyring;
        if (!keyring) {
            throw new OutboxLockedError();
        }
        return keyring;
    }

    /** Runs `work` as the only writer of this outbox, in every tab (see the header). */
    exclusive(work) {
        const locks = browser.navigator.locks;
        return locks ? locks.request(this.name, work) : work();
    }

    /** The stored changes opened, in their order; those this browser cannot open are left out. */
    async _openAll(keyring, stored) {
        const opened = await Promise.all(
            stored.map((change) => openChange(keyring, change).catch(() => null))
        );
        return opened.filter(Boolean);
    }

    /** @returns {Promise<import("../offline_change").OfflineChange[]>} in queue order */
    async all() {
        const keyring = await this.keyring();
        const stored = await this._transaction("readonly", async (changes, meta) =>
            withSent(
                ...(await Promise.all([
                    requestResult(changes.index("seq").getAll()),
                    readSent(meta),
                ]))
            )
        );
        return this._openAll(keyring, stored);
    }

    /**
     * Seals again with the current key the changes sealed with an older one
     * (the server issued a new key); done online, where the keyring holds both.
     *
     * @returns {Promise<number>} how many
     */
    async sealAgainWithCurrentKey() {
        const keyring = await this.keyring();
        return this.exclusive(async () => {
            const stored = await this._transaction("readonly", (changes) =>
                requestResult(changes.getAll())
            );
            const older = stored.filter(
                (change) => keyring.canOpen(change.sealed) && !keyring.isCurrent(change.sealed)
            );
            const resealed = await Promise.all(
                (await this._openAll(keyring, older)).map((change) => sealChange(keyring, change))
            );
            await this._transaction("readwrite", async (changes) => {
                resealed.forEach((change) => changes.put(change));
            });
            return resealed.length;
        });
    }

    /**
     * Queues changes, all or none (outbox_enqueue.js).
     *
     * @param {Object[]} newChanges
     * @returns {Promise<{ queued: Array<Object|null>, put: Object[], remove: string[] }>}
     */
    async enqueue(newChanges) {
        return enqueueChanges(this, await this.keyring(), newChanges);
    }

    /**
     * Deletes a change; a creation takes the changes of its record along.
     *
     * @returns {Promise<{ put: Object[], remove: string[] }>}
     */
    async remove(uuid) {
        return this.exclusive(async () => {
            return this._transaction("readwrite", async (changes, meta) => {
                const [change, sent] = await Promise.all([
                    requestResult(changes.get(uuid)),
                    readSent(meta),
                ]);
                if (!change) {
                    return { put: [], remove: [] };
                }
                const removed =
                    change.operation === CREATE
                        ? (await requestResult(changes.index("resId").getAll(change.resId))).map(
                              (other) => other.uuid
                          )
                        : [uuid];
                removed.forEach((removedUuid) => changes.delete(removedUuid));
                if (removed.some((removedUuid) => sent.has(removedUuid))) {
                    writeSent(meta, sent, removed);
                }
                return { put: [], remove: removed };
            });
        });
    }

    /**
     * Rewrites one change with `update(change)`.
     *
     * @returns {Promise<{ put: Object[], remove: string[] }>}
     */
    async update(uuid, update) {
        const keyring = await this.keyring();
        return this.exclusive(async () => {
            const stored = await this._transaction("readonly", async (changes, meta) => {
                const [change, sent] = await Promise.all([
                    requestResult(changes.get(uuid)),
                    readSent(meta),
                ]);
                return change && withSent([change], sent)[0];
            });
            if (!stored) {
                return { put: [], remove: [] };
            }
            const updated = update(await openChange(keyring, stored));
            const sealed = await sealChange(keyring, updated);
            await this._transaction("readwrite", async (changes) => {
                changes.put(sealed);
            });
            return { put: [updated], remove: [] };
        });
    }

    /** The next changes to send, marked `sent` (outbox_sending.js). */
    async takeBatch(limit, excluded) {
        const keyring = await this.keyring();
        return this.exclusive(() => takeBatch(this, keyring, limit, excluded));
    }

    /** Stores the server's answers (outbox_sending.js). */
    async settle(results) {
        const keyring = await this.keyring();
        return this.exclusive(() => settle(this, keyring, results));
    }

    async resolvedIds() {
        return this._transaction("readonly", (_changes, meta) =>
            readMeta(meta, RESOLVED_IDS_KEY, {})
        );
    }

    async modelsWithDefaults() {
        return this._transaction("readonly", (_changes, meta) =>
            readMeta(meta, MODELS_WITH_DEFAULTS_KEY, [])
        );
    }

    async addModelWithDefaults(model) {
        return this._transaction("readwrite", async (_changes, meta) => {
            const models = new Set(await readMeta(meta, MODELS_WITH_DEFAULTS_KEY, []));
            models.add(model);
            meta.put({ key: MODELS_WITH_DEFAULTS_KEY, value: [...models] });
        });
    }
}
