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
 *   and the caller tells the user the change could not be saved offline;
 * - a change leaves the outbox only when discarded by the user or when the
 *   server's answer "applied" is stored (`settle`): a crash mid-sync keeps it,
 *   and sending it again is answered as a replay of the same uuid;
 * - a change marked `sent` may have been applied with its answer lost: it takes
 *   no more merges (a later edit becomes a change of its own), so what is sent
 *   again under its uuid is exactly what the server may already have;
 *   discarding it (allowed once no request carries it) drops it here, but if
 *   the lost answer was "applied" the server keeps it: the record then shows
 *   the server's values, which say so;
 * - tabs share the database. Every write reads, decrypts, plans, encrypts and
 *   writes while holding a Web Lock named after the database (WebCrypto cannot
 *   run inside an IndexedDB transaction: it would commit early), so a merge
 *   and the sync marking a change `sent` never interleave; the write itself is
 *   one transaction. The tabs channel tells the other tabs to read it again.
 * - writes are strict: a change is on disk when its transaction completes,
 *   so one the user was told is saved survives a power cut (the read cache,
 *   which can be fetched again, writes relaxed).
 */

import { browser } from "@web/core/browser/browser";
import { BrowserDatabase, isQuotaError, requestResult } from "../browser_db";
import { CREATE, PENDING } from "../offline_change";
import { localIdsIn, planEnqueue, planSettle, withResolvedIds } from "./merge_planning";
import { OutboxFullError, OutboxLockedError } from "./outbox_errors";
import {
    COUNTER_KEY,
    MODELS_WITH_DEFAULTS_KEY,
    openChange,
    OUTBOX_UPGRADES,
    readMeta,
    RESOLVED_IDS_KEY,
    sealChange,
} from "./outbox_schema";

/** Real ids of records created offline are remembered for the last this many. */
const RESOLVED_IDS_KEPT = 200;

export class OutboxStore extends BrowserDatabase {
    /**
     * @param {string} name
     * @param {Keyring|null|Promise<Keyring|null>} keyring what changes are sealed
     *   with (static/lib/offline_crypto.js); null: locked
     */
    constructor(name, keyring) {
        super(name, { upgrades: OUTBOX_UPGRADES, durability: "strict" });
        this._keyring = Promise.resolve(keyring);
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
        const stored = await this._transaction("readonly", (changes) =>
            requestResult(changes.index("seq").getAll())
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
     * Queues changes (see planEnqueue), all or none. A creation gets its local
     * id here. Only the changes of the same records and the creations the
     * values point to are read: queueing costs the same with 10 or 10,000
     * changes queued.
     *
     * @param {Object[]} newChanges
     * @returns {Promise<{ queued: Array<Object|null>, put: Object[], remove: string[] }>}
     *   `queued[i]`: what `newChanges[i]` became (null when it cancelled out)
     */
    async enqueue(newChanges) {
        if (!newChanges.length) {
            return { queued: [], put: [], remove: [] };
        }
        const keyring = await this.keyring();
        const relatedIds = (change) => {
            const resIds = new Set(localIdsIn(change.values, change.fields));
            if (change.resId !== undefined) {
                resIds.add(change.resId);
            }
            return resIds;
        };
        return this.exclusive(async () => {
            const resIds = new Set(newChanges.flatMap((change) => [...relatedIds(change)]));
            const [counterRead, related] = await this._transaction("readonly", (changes, meta) =>
                Promise.all([
                    readMeta(meta, COUNTER_KEY, 0),
                    Promise.all(
                        [...resIds].map((resId) =>
                            requestResult(changes.index("resId").getAll(resId))
                        )
                    ),
                ])
            );
            let counter = counterRead;
            const known = new Map(
                (await this._openAll(keyring, related.flat())).map((change) => [
                    change.uuid,
                    change,
                ])
            );
            const put = new Map();
            const removed = new Set();
            const queued = [];
            for (const change of newChanges) {
                const ids = relatedIds(change);
                const ofRecords = [...known.values()]
                    .filter((queuedChange) => ids.has(queuedChange.resId))
                    .sort((a, b) => a.seq - b.seq);
                const plan = planEnqueue(ofRecords, change);
                for (const planned of plan.put) {
                    if (planned.seq === undefined) {
                        planned.seq = ++counter;
                        if (planned.operation === CREATE) {
                            planned.resId = -planned.seq;
                        }
                    }
                    known.set(planned.uuid, planned);
                    put.set(planned.uuid, planned);
                    removed.delete(planned.uuid);
                }
                for (const uuid of plan.remove) {
                    known.delete(uuid);
                    put.delete(uuid);
                    removed.add(uuid);
                }
                queued.push(
                    plan.put.find((planned) => planned.uuid === change.uuid) || plan.put[0] || null
                );
            }
            const sealed = await Promise.all(
                [...put.values()].map((change) => sealChange(keyring, change))
            );
            try {
                await this._transaction("readwrite", async (changes, meta) => {
                    sealed.forEach((change) => changes.put(change));
                    removed.forEach((uuid) => changes.delete(uuid));
                    meta.put({ key: COUNTER_KEY, value: counter });
                });
            } catch (error) {
                throw isQuotaError(error) ? new OutboxFullError(error) : error;
            }
            return { queued, put: [...put.values()], remove: [...removed] };
        });
    }

    /**
     * Deletes a change; a creation takes the changes of its record along.
     *
     * @returns {Promise<{ put: Object[], remove: string[] }>}
     */
    async remove(uuid) {
        return this.exclusive(async () => {
            return this._transaction("readwrite", async (changes) => {
                const change = await requestResult(changes.get(uuid));
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
            const stored = await this._transaction("readonly", (changes) =>
                requestResult(changes.get(uuid))
            );
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

    /**
     * The next changes to send, at most `limit`, in order, marked `sent`:
     * pending ones, including those sent before without an answer.
     *
     * @returns {Promise<{ batch: Object[], put: Object[], remove: string[] }>}
     */
    async takeBatch(limit) {
        const keyring = await this.keyring();
        return this.exclusive(async () => {
            // Marked in their stored form (`sent` is in clear): no decryption in the transaction.
            const { batch, marked } = await this._transaction("readwrite", async (changes) => {
                // Read page by page from the head of the queue: failed changes
                // (waiting for the user) and those this browser cannot open are
                // skipped, the tail is never read.
                const batch = [];
                let after = null;
                while (batch.length < limit) {
                    const range = after === null ? null : IDBKeyRange.lowerBound(after, true);
                    const page = await requestResult(changes.index("seq").getAll(range, limit));
                    batch.push(
                        ...page.filter(
                            (change) => change.status === PENDING && keyring.canOpen(change.sealed)
                        )
                    );
                    if (page.length < limit) {
                        break;
                    }
                    after = page.at(-1).seq;
                }
                batch.splice(limit);
                const marked = new Set();
                for (const change of batch) {
                    if (!change.sent) {
                        change.sent = true;
                        changes.put(change);
                        marked.add(change.uuid);
                    }
                }
                return { batch, marked };
            });
            const opened = await this._openAll(keyring, batch);
            return {
                batch: opened,
                put: opened.filter((change) => marked.has(change.uuid)),
                remove: [],
            };
        });
    }

    /**
     * Stores the server's answers, in one transaction: applied changes leave
     * the queue (a creation's real id replaces its local id in the others);
     * conflicts and rejections stay, open again, with the server's reasons.
     *
     * @param {Array<{ uuid: string, status: string, res_id: number|null, conflicts?: Array, error?: Object }>} results
     * @returns {Promise<{ applied: Object[], resolvedIds: Object<number, number>, put: Object[], remove: string[] }>}
     */
    async settle(results) {
        const keyring = await this.keyring();
        return this.exclusive(async () => {
            // Only the answered changes are read, unless a creation was applied:
            // then the others may point to its local id.
            const [answered, others, known] = await this._transaction(
                "readonly",
                async (changes, meta) => {
                    const answered = await Promise.all(
                        results.map((result) => requestResult(changes.get(result.uuid)))
                    );
                    const appliedCreation = results.some(
                        (result, index) =>
                            result.status === "applied" && answered[index]?.operation === CREATE
                    );
                    return Promise.all([
                        answered,
                        appliedCreation ? requestResult(changes.getAll()) : [],
                        readMeta(meta, RESOLVED_IDS_KEY, {}),
                    ]);
                }
            );
            const opened = await this._openAll(keyring, answered.filter(Boolean));
            const { applied, updated, newlyResolved, byUuid } = planSettle(opened, results);
            const appliedUuids = new Set(applied.map((change) => change.uuid));
            let resolvedIds = null;
            if (Object.keys(newlyResolved).length) {
                const remaining = others.filter((change) => !appliedUuids.has(change.uuid));
                for (const change of await this._openAll(keyring, remaining)) {
                    byUuid.set(change.uuid, updated.get(change.uuid) || change);
                }
                for (const change of byUuid.values()) {
                    const resolved = withResolvedIds(change, newlyResolved);
                    if (JSON.stringify(resolved) !== JSON.stringify(change)) {
                        updated.set(change.uuid, resolved);
                    }
                }
                resolvedIds = Object.fromEntries(
                    Object.entries({ ...known, ...newlyResolved }).slice(-RESOLVED_IDS_KEPT)
                );
            }
            const sealed = await Promise.all(
                [...updated.values()].map((change) => sealChange(keyring, change))
            );
            await this._transaction("readwrite", async (changes, meta) => {
                appliedUuids.forEach((uuid) => changes.delete(uuid));
                sealed.forEach((change) => changes.put(change));
                if (resolvedIds) {
                    meta.put({ key: RESOLVED_IDS_KEY, value: resolvedIds });
                }
            });
            return {
                applied,
                resolvedIds: newlyResolved,
                put: [...updated.values()],
                remove: [...appliedUuids],
            };
        });
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
