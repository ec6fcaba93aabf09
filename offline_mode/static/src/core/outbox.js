/**
 * The outbox: the changes made offline that the server has not applied yet.
 *
 * Kept in an IndexedDB database of its own, "offline_mode_outbox:<db>:<uid>",
 * apart from the read cache: eviction, expiry and a hard refresh clear the
 * read cache, never this; logging out deletes it, after warning the user when
 * changes are still waiting. Its stores:
 * - `changes`: one OfflineChange (see offline_change.js) per uuid, in queue
 *   order by `seq`;
 * - `meta`: the counter that gives `seq` and local ids, the real ids of records
 *   created offline once synced, and the models whose new-record defaults were
 *   fetched online.
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
 *   one transaction. A BroadcastChannel tells the other tabs to read it again.
 *
 * Encrypted at rest (core/crypto/): a stored change keeps in clear only what
 * the indexes and the queue need (uuid, seq, resId, model, operation, status,
 * sent); its values, original values, record name, conflicts and errors are
 * sealed with the user's key, bound to its uuid. Never lost for a mistake of
 * ours: the server keeps every key it issued a user (a new one included) and
 * gives them back at the next online start, which seals the older changes
 * again with the current key; a change this browser cannot open (locked, or
 * sealed with a key it does not hold yet) is left untouched, neither listed
 * nor sent, until it can.
 */

import { markRaw, reactive } from "@odoo/owl";
import { browser } from "@web/core/browser/browser";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { user } from "@web/core/user";
import { session } from "@web/session";
import { formTag } from "./cache_key";
import { tabsChannel } from "./tabs_channel";
import {
    ARCHIVE,
    CONFLICT,
    CREATE,
    isLocalId,
    isSameValue,
    newUuid,
    PENDING,
    REJECTED,
    UNARCHIVE,
    UNLINK,
    utcNow,
    WRITE,
} from "./offline_change";

const SCHEMA_VERSION = 1;
const COUNTER_KEY = "counter";
const RESOLVED_IDS_KEY = "resolvedIds";
const MODELS_WITH_DEFAULTS_KEY = "modelsWithDefaults";
/** Pins of cached forms wait for a pause of this long in the changes. */
const PIN_DELAY_MS = 1000;
/** Real ids of records created offline are remembered for the last this many. */
const RESOLVED_IDS_KEPT = 200;

export function outboxDatabaseName(odooDatabase, userId) {
    return `offline_mode_outbox:${odooDatabase}:${userId}`;
}

/** What stays in clear in a stored change (see the header). */
const CLEAR_FIELDS = new Set(["uuid", "seq", "resId", "model", "operation", "status", "sent"]);

export class OutboxFullError extends Error {
    constructor(cause) {
        super("The browser storage is full: the change could not be queued.", { cause });
    }

    /** What the user is told. */
    get userMessage() {
        return _t(
            "Your change could not be saved offline: this browser's storage is full. It is still on screen; free some space or reconnect, then save again."
        );
    }
}

/**
 * No key to encrypt with (it could not be fetched nor unlocked): the change is
 * refused the way it is when the storage is full, and stays on screen.
 */
export class OutboxLockedError extends OutboxFullError {
    constructor() {
        super();
        this.message = "The offline data of this user is locked: the change could not be queued.";
    }

    get userMessage() {
        return _t(
            "Your change could not be saved offline: your offline data is locked. It is still on screen; reconnect, then save again."
        );
    }
}

// -----------------------------------------------------------------------------
// Merging: pure, on the queue as a list
// -----------------------------------------------------------------------------

/** Local ids (records created offline) a change's values point to. */
function localIdsIn(values, fields) {
    const ids = [];
    for (const [name, value] of Object.entries(values || {})) {
        const type = fields[name]?.type;
        if (type === "many2one" && value && isLocalId(value.id)) {
            ids.push(value.id);
        } else if (type === "many2many") {
            ids.push(...(value || []).map((record) => record.id).filter(isLocalId));
        }
    }
    return ids;
}

/**
 * Whether `values` may be merged into `target`: every record created offline
 * they point to must be created before it, or the server would meet the
 * reference before the creation.
 */
function canTakeValues(queue, target, values, fields) {
    return localIdsIn(values, fields).every((localId) => {
        const creation = queue.find(
            (change) => change.operation === CREATE && change.resId === localId
        );
        return creation && creation.seq < target.seq && localId !== target.resId;
    });
}

/** Open: the server gave a definite answer or never saw it; it may still change. */
function isOpen(change) {
    return !change.sent;
}

/** Fields whose new value is the one they had before are no change. */
function withoutUnchangedFields(change) {
    const values = {};
    for (const [name, value] of Object.entries(change.values)) {
        if (
            !(name in change.original) ||
            !isSameValue(change.fields[name].type, change.original[name], value)
        ) {
            values[name] = value;
        }
    }
    const original = Object.fromEntries(
        Object.keys(values).map((name) => [name, change.original[name]])
    );
    return { ...change, values, original };
}

function reopened(change) {
    return { ...change, status: PENDING, error: null, conflicts: null, force: false };
}

/**
 * What queueing `change` does to the queue: the changes to write (a change
 * without `seq` goes to the end) and the uuids to delete.
 *
 * Rules: edits of a record merge into its open edit (the first original values
 * kept) or into its open creation; deleting a record created offline removes
 * its creation and every change of it; archiving and unarchiving cancel out.
 *
 * @param {import("./offline_change").OfflineChange[]} queue in order
 * @param {import("./offline_change").OfflineChange} change new, without seq
 * @returns {{ put: Object[], remove: string[] }}
 */
export function planEnqueue(queue, change) {
    const ofRecord = queue.filter(
        (queued) => queued.model === change.model && queued.resId === change.resId
    );
    const openCreation = ofRecord.find((queued) => queued.operation === CREATE && isOpen(queued));
    const latest = (operation) => ofRecord.findLast((queued) => queued.operation === operation);

    switch (change.operation) {
        case CREATE:
            return { put: [change], remove: [] };
        case WRITE: {
            if (openCreation && canTakeValues(queue, openCreation, change.values, change.fields)) {
                const merged = {
                    ...reopened(openCreation),
                    values: { ...openCreation.values, ...change.values },
                    fields: { ...openCreation.fields, ...change.fields },
                    recordName: change.recordName || openCreation.recordName,
                    madeAt: change.madeAt,
                };
                return { put: [merged], remove: [] };
            }
            const openWrite = ofRecord.findLast(
                (queued) => queued.operation === WRITE && isOpen(queued)
            );
            if (openWrite && canTakeValues(queue, openWrite, change.values, change.fields)) {
                const merged = withoutUnchangedFields({
                    ...reopened(openWrite),
                    values: { ...openWrite.values, ...change.values },
                    original: { ...change.original, ...openWrite.original },
                    fields: { ...openWrite.fields, ...change.fields },
                    recordName: change.recordName || openWrite.recordName,
                    madeAt: change.madeAt,
                });
                return Object.keys(merged.values).length
                    ? { put: [merged], remove: [] }
                    : { put: [], remove: [openWrite.uuid] };
            }
            const trimmed = withoutUnchangedFields(change);
            return { put: Object.keys(trimmed.values).length ? [trimmed] : [], remove: [] };
        }
        case UNLINK: {
            if (openCreation) {
                return { put: [], remove: ofRecord.map((queued) => queued.uuid) };
            }
            if (latest(UNLINK)) {
                return { put: [], remove: [] };
            }
            // Archiving a record about to be deleted is moot; its edits stay, so
            // that discarding the deletion gives back the record as edited.
            const moot = ofRecord.filter(
                (queued) => [ARCHIVE, UNARCHIVE].includes(queued.operation) && isOpen(queued)
            );
            return { put: [change], remove: moot.map((queued) => queued.uuid) };
        }
        case ARCHIVE:
        case UNARCHIVE: {
            const opposite = change.operation === ARCHIVE ? UNARCHIVE : ARCHIVE;
            const last = ofRecord.findLast((queued) =>
                [ARCHIVE, UNARCHIVE].includes(queued.operation)
            );
            if (last?.operation === change.operation) {
                return { put: [], remove: [] };
            }
            if (last?.operation === opposite && isOpen(last)) {
                return { put: [], remove: [last.uuid] };
            }
            return { put: [change], remove: [] };
        }
    }
    throw new Error(`Unknown operation ${change.operation}`);
}

/**
 * A change with a created record's local id replaced by its real id (in the
 * record it changes and in the values that point to it).
 */
function withRealId(change, localId, realId) {
    const replaceRecord = (record) => (record?.id === localId ? { ...record, id: realId } : record);
    const values = {};
    for (const [name, value] of Object.entries(change.values)) {
        values[name] = Array.isArray(value) ? value.map(replaceRecord) : replaceRecord(value);
    }
    return { ...change, resId: change.resId === localId ? realId : change.resId, values };
}

/** A change with the local ids of records created offline and synced since replaced by their real ids. */
function withResolvedIds(change, resolvedIds) {
    let resolved = change;
    for (const [localId, realId] of Object.entries(resolvedIds)) {
        resolved = withRealId(resolved, Number(localId), realId);
    }
    return resolved;
}

// -----------------------------------------------------------------------------
// Storage
// -----------------------------------------------------------------------------

function requestResult(request) {
    return new Promise((resolve, reject) => {
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
    });
}

/**
 * Runs `work` in one transaction; resolves with its result once committed.
 * `work` may only await requests of that transaction.
 */
async function inTransaction(db, mode, work) {
    const transaction = db.transaction(["changes", "meta"], mode);
    const committed = new Promise((resolve, reject) => {
        transaction.oncomplete = resolve;
        transaction.onabort = () =>
            reject(transaction.error || new DOMException("Transaction aborted", "AbortError"));
    });
    let result;
    try {
        result = await work(transaction.objectStore("changes"), transaction.objectStore("meta"));
    } catch (error) {
        try {
            transaction.abort();
        } catch {
            // already finished
        }
        await committed.catch(() => {});
        throw error;
    }
    await committed;
    return result;
}

async function readMeta(meta, key, fallback) {
    const record = await requestResult(meta.get(key));
    return record ? record.value : fallback;
}

/** A change as stored: what the indexes need in clear, the rest sealed. */
async function sealChange(keyring, change) {
    const clear = {};
    const secret = {};
    for (const [name, value] of Object.entries(change)) {
        (CLEAR_FIELDS.has(name) ? clear : secret)[name] = value;
    }
    return { ...clear, sealed: await keyring.sealJson(secret, change.uuid) };
}

async function openChange(keyring, stored) {
    const { sealed, ...clear } = stored;
    return { ...(await keyring.openJson(sealed, stored.uuid)), ...clear };
}

export class OutboxStore {
    /**
     * @param {string} name
     * @param {Keyring|null|Promise<Keyring|null>} keyring what changes are sealed
     *   with (static/lib/offline_crypto.js); null: locked
     */
    constructor(name, keyring) {
        this.name = name;
        this._db = null;
        this._keyring = Promise.resolve(keyring);
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

    database() {
        if (!this._db) {
            this._db = new Promise((resolve, reject) => {
                const request = indexedDB.open(this.name, SCHEMA_VERSION);
                request.onupgradeneeded = () => {
                    const changes = request.result.createObjectStore("changes", {
                        keyPath: "uuid",
                    });
                    changes.createIndex("seq", "seq", { unique: true });
                    changes.createIndex("resId", "resId");
                    request.result.createObjectStore("meta", { keyPath: "key" });
                };
                request.onsuccess = () => {
                    const db = request.result;
                    db.onversionchange = () => {
                        db.close();
                        this._db = null;
                    };
                    resolve(db);
                };
                request.onerror = () => reject(request.error);
            });
            this._db.catch(() => (this._db = null));
        }
        return this._db;
    }

    async close() {
        const db = await this._db?.catch(() => null);
        this._db = null;
        db?.close();
    }

    /** The stored changes opened, in their order; those this browser cannot open are left out. */
    async _openAll(keyring, stored) {
        const opened = await Promise.all(
            stored.map((change) => openChange(keyring, change).catch(() => null))
        );
        return opened.filter(Boolean);
    }

    /** @returns {Promise<import("./offline_change").OfflineChange[]>} in queue order */
    async all() {
        const keyring = await this.keyring();
        const db = await this.database();
        const stored = await inTransaction(db, "readonly", (changes) =>
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
            const db = await this.database();
            const stored = await inTransaction(db, "readonly", (changes) =>
                requestResult(changes.getAll())
            );
            const older = stored.filter(
                (change) => keyring.canOpen(change.sealed) && !keyring.isCurrent(change.sealed)
            );
            const resealed = await Promise.all(
                (await this._openAll(keyring, older)).map((change) => sealChange(keyring, change))
            );
            await inTransaction(db, "readwrite", async (changes) => {
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
            const db = await this.database();
            const resIds = new Set(newChanges.flatMap((change) => [...relatedIds(change)]));
            const [counterRead, related] = await inTransaction(db, "readonly", (changes, meta) =>
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
                await inTransaction(db, "readwrite", async (changes, meta) => {
                    sealed.forEach((change) => changes.put(change));
                    removed.forEach((uuid) => changes.delete(uuid));
                    meta.put({ key: COUNTER_KEY, value: counter });
                });
            } catch (error) {
                throw error?.name === "QuotaExceededError" ? new OutboxFullError(error) : error;
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
            const db = await this.database();
            return inTransaction(db, "readwrite", async (changes) => {
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
            const db = await this.database();
            const stored = await inTransaction(db, "readonly", (changes) =>
                requestResult(changes.get(uuid))
            );
            if (!stored) {
                return { put: [], remove: [] };
            }
            const updated = update(await openChange(keyring, stored));
            const sealed = await sealChange(keyring, updated);
            await inTransaction(db, "readwrite", async (changes) => {
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
            const db = await this.database();
            // Marked in their stored form (`sent` is in clear): no decryption in the transaction.
            const { batch, marked } = await inTransaction(db, "readwrite", async (changes) => {
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
            const db = await this.database();
            // Only the answered changes are read, unless a creation was applied:
            // then the others may point to its local id.
            const [answered, others, known] = await inTransaction(
                db,
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
            const byUuid = new Map(
                (await this._openAll(keyring, answered.filter(Boolean))).map((change) => [
                    change.uuid,
                    change,
                ])
            );
            const applied = [];
            const updated = new Map();
            const newlyResolved = {};
            for (const result of results) {
                const change = byUuid.get(result.uuid);
                if (!change) {
                    continue; // discarded meanwhile
                }
                if (result.status === "applied") {
                    byUuid.delete(change.uuid);
                    applied.push({
                        ...change,
                        resId: change.operation === CREATE ? result.res_id : change.resId,
                    });
                    if (change.operation === CREATE) {
                        newlyResolved[change.resId] = result.res_id;
                    }
                } else {
                    const settled = {
                        ...change,
                        sent: false,
                        status: result.status === CONFLICT ? CONFLICT : REJECTED,
                        conflicts: result.conflicts || null,
                        error: result.error || null,
                    };
                    byUuid.set(change.uuid, settled);
                    updated.set(change.uuid, settled);
                }
            }
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
            await inTransaction(db, "readwrite", async (changes, meta) => {
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
        const db = await this.database();
        return inTransaction(db, "readonly", (_changes, meta) =>
            readMeta(meta, RESOLVED_IDS_KEY, {})
        );
    }

    async deleteDatabase() {
        await this.close();
        await new Promise((resolve, reject) => {
            const request = indexedDB.deleteDatabase(this.name);
            request.onsuccess = resolve;
            request.onerror = () => reject(request.error);
        });
    }

    async modelsWithDefaults() {
        const db = await this.database();
        return inTransaction(db, "readonly", (_changes, meta) =>
            readMeta(meta, MODELS_WITH_DEFAULTS_KEY, [])
        );
    }

    async addModelWithDefaults(model) {
        const db = await this.database();
        return inTransaction(db, "readwrite", async (_changes, meta) => {
            const models = new Set(await readMeta(meta, MODELS_WITH_DEFAULTS_KEY, []));
            models.add(model);
            meta.put({ key: MODELS_WITH_DEFAULTS_KEY, value: [...models] });
        });
    }
}

// -----------------------------------------------------------------------------
// Service
// -----------------------------------------------------------------------------

/**
 * The outbox of the current user, with a reactive copy of its content for the
 * interface (`changes`, in queue order).
 */
export const offlineOutboxService = {
    dependencies: ["offline_config", "offline_key", "offline_read_cache"],
    start(env, { offline_config: config, offline_key: keys, offline_read_cache: readCache }) {
        const state = reactive({
            /**
             * The queue, in order; replaced as a whole on each change, its
             * changes never modified (so it is kept raw: no deep reactivity).
             * @type {import("./offline_change").OfflineChange[]}
             */
            changes: markRaw([]),
            /** changes waiting to be sent */
            pendingCount: 0,
            /** changes the server refused (conflict or rejected) */
            failedCount: 0,
            /** local id → real id, for records created offline and synced since */
            resolvedIds: {},
            /** models whose new-record defaults were fetched online: they can be created offline */
            modelsWithDefaults: new Set(),
        });
        if (!config.enabled) {
            return makeDisabledOutbox(state);
        }
        const name = outboxDatabaseName(session.db, user.userId);
        const store = new OutboxStore(name, keys.ready);
        const channel = tabsChannel(name);
        /** "model,resId" → its changes in order, and local id → creation: lookups for every view */
        let changesByRecord = new Map();
        let creations = new Map();
        /** form tags this tab asked the read cache to keep (see cache_key.js); "model,resId" → tag to look at */
        const pinnedTags = new Set();
        const recordsToCheck = new Map();
        let pinTimer = null;

        function setChanges(changes) {
            state.changes = markRaw(changes);
            state.pendingCount = 0;
            state.failedCount = 0;
            changesByRecord = new Map();
            creations = new Map();
            changes.forEach((change) => indexChange(change, +1));
        }

        /** Counts `change` in (`sign` +1) or out (-1) of the lookups. */
        function indexChange(change, sign) {
            const key = `${change.model},${change.resId}`;
            if (change.status === PENDING) {
                state.pendingCount += sign;
            } else {
                state.failedCount += sign;
            }
            if (sign > 0) {
                if (!changesByRecord.has(key)) {
                    changesByRecord.set(key, []);
                }
                changesByRecord.get(key).push(change);
                if (change.operation === CREATE) {
                    creations.set(change.resId, change);
                }
                return;
            }
            const remaining = changesByRecord
                .get(key)
                .filter((queued) => queued.uuid !== change.uuid);
            if (remaining.length) {
                changesByRecord.set(key, remaining);
            } else {
                changesByRecord.delete(key);
            }
            if (creations.get(change.resId) === change) {
                creations.delete(change.resId);
            }
        }

        /**
         * The usual edit — changes rewritten in place, new ones queued last —
         * applied without going over the whole queue, so that queueing stays as
         * fast with 10,000 changes waiting. False (nothing done) for another edit.
         */
        function appendOrReplace(put) {
            const changes = state.changes.slice();
            const positions = new Map();
            let lastSeq = changes.at(-1)?.seq ?? -Infinity;
            for (const change of put) {
                const records = changesByRecord.get(`${change.model},${change.resId}`) || [];
                const previous = records.find((queued) => queued.uuid === change.uuid);
                if (previous && previous.seq === change.seq && !positions.has(change.uuid)) {
                    positions.set(change.uuid, changes.lastIndexOf(previous));
                } else if (!previous && change.seq > lastSeq && !positions.has(change.uuid)) {
                    lastSeq = change.seq;
                    positions.set(change.uuid, changes.push(null) - 1);
                } else {
                    return false;
                }
            }
            for (const change of put) {
                const position = positions.get(change.uuid);
                if (changes[position]) {
                    indexChange(changes[position], -1);
                }
                changes[position] = change;
                indexChange(change, +1);
            }
            state.changes = markRaw(changes);
            return true;
        }

        /** Any edit, applied by rebuilding the queue; returns the changes it touched. */
        function rebuild(put, remove) {
            const removed = new Set(remove);
            const byUuid = new Map();
            for (const change of state.changes) {
                if (!removed.has(change.uuid)) {
                    byUuid.set(change.uuid, change);
                }
            }
            const touched = state.changes.filter((change) => removed.has(change.uuid));
            for (const change of put) {
                byUuid.set(change.uuid, change);
                touched.push(change);
            }
            setChanges([...byUuid.values()].sort((a, b) => a.seq - b.seq));
            return touched;
        }

        async function refresh() {
            // The changes first: opening them waits for the key, and what is read
            // before would be stale by then.
            const changes = await store.all();
            const [resolvedIds, models] = await Promise.all([
                store.resolvedIds(),
                store.modelsWithDefaults(),
            ]);
            setChanges(changes);
            state.resolvedIds = resolvedIds;
            state.modelsWithDefaults = new Set(models);
        }

        /**
         * After a write of this tab: the same edits on the reactive copy (no
         * need to read the database again), the cached data of changed records
         * kept through eviction, and the other tabs told to read it again.
         */
        function applyEdits({ put, remove }) {
            if (!put.length && !remove.length) {
                return;
            }
            const touched = remove.length || !appendOrReplace(put) ? rebuild(put, remove) : put;
            channel.post({ type: "changed" });
            for (const { model, resId } of touched) {
                if (!isLocalId(resId)) {
                    recordsToCheck.set(`${model},${resId}`, formTag(model, resId));
                }
            }
            browser.clearTimeout(pinTimer);
            pinTimer = browser.setTimeout(updatePins, PIN_DELAY_MS);
        }

        /**
         * Asks the read cache to keep (or no longer keep) the cached forms of
         * records with changes. Done after a burst of changes, not in the way
         * of each save: a record's form stays cached meanwhile anyway (recently used).
         */
        function updatePins() {
            for (const [record, tag] of recordsToCheck) {
                const isChanged = changesByRecord.has(record);
                if (isChanged && !pinnedTags.has(tag)) {
                    pinnedTags.add(tag);
                    readCache.pin(tag).catch(() => {});
                } else if (!isChanged && pinnedTags.has(tag)) {
                    pinnedTags.delete(tag);
                    readCache.unpin(tag).catch(() => {});
                }
            }
            recordsToCheck.clear();
        }

        /**
         * Asks the browser not to clear this site's storage when the disk runs
         * low (it may do so otherwise, outbox included), once changes wait in it.
         */
        let persistenceAsked = false;
        function askForPersistentStorage() {
            if (!persistenceAsked) {
                persistenceAsked = true;
                browser.navigator.storage?.persist?.().catch(() => {});
            }
        }

        // Another tab changed the outbox: read it again (once for a burst of changes).
        let isRefreshing = false;
        let refreshAgain = false;
        channel.listen(async (message) => {
            if (message.type !== "changed") {
                return;
            }
            if (isRefreshing) {
                refreshAgain = true;
                return;
            }
            isRefreshing = true;
            do {
                refreshAgain = false;
                await refresh();
            } while (refreshAgain);
            isRefreshing = false;
        });

        const ready = refresh()
            .then(() => store.sealAgainWithCurrentKey())
            .catch((error) =>
                error instanceof OutboxLockedError
                    ? console.warn("offline_mode: the outbox stays closed:", error.message)
                    : // e.g. deleted meanwhile by a logout in another tab
                      console.warn("offline_mode: cannot read the outbox", error)
            );

        const outbox = {
            state,
            ready,

            /**
             * Queues changes made offline, each merged with those of its record.
             * Resolves once they are all stored, to each change as queued (null
             * when it cancelled out). Throws OutboxFullError when the browser
             * storage is full: then none is queued.
             *
             * @param {Array<{ uuid?: string, model: string, operation: string, resId?: number, values?: Object, original?: Object,
             *   fields?: Object, recordName?: string, actionId?: number|false, actionName?: string }>} descriptions
             */
            async addAll(descriptions) {
                await ready;
                const madeAt = utcNow();
                const changes = descriptions.map((description) =>
                    withResolvedIds(
                        {
                            values: {},
                            original: {},
                            fields: {},
                            recordName: "",
                            actionId: false,
                            actionName: "",
                            ...description,
                            // a creation whose online save got no answer keeps the uuid it was sent with
                            uuid: description.uuid || newUuid(),
                            madeAt,
                            status: PENDING,
                            sent: false,
                            force: false,
                            error: null,
                            conflicts: null,
                        },
                        state.resolvedIds
                    )
                );
                const { queued, ...edits } = await store.enqueue(changes);
                applyEdits(edits);
                env.bus.trigger("OFFLINE_MODE:CHANGE_QUEUED");
                askForPersistentStorage();
                return queued;
            },

            /** One change: see addAll. */
            async add(description) {
                return (await outbox.addAll([description]))[0];
            },

            /** Drops a change (and, for a creation, the changes of its record): the local copy goes back. */
            async discard(uuid) {
                const edits = await store.remove(uuid);
                const records = state.changes
                    .filter((change) => edits.remove.includes(change.uuid))
                    .map(({ model, resId }) => ({ model, resId }));
                applyEdits(edits);
                env.bus.trigger("OFFLINE_MODE:CHANGES_DISCARDED", { records });
            },

            /** "Keep mine" on a conflict: sent again, applied over the other edit. */
            async keepMine(uuid) {
                applyEdits(
                    await store.update(uuid, (change) => ({
                        ...change,
                        status: PENDING,
                        force: true,
                        conflicts: null,
                    }))
                );
                env.bus.trigger("OFFLINE_MODE:CHANGE_QUEUED");
            },

            /** Changes queued for a record, in order. */
            changesOf(model, resId) {
                return changesByRecord.get(`${model},${resId}`) || [];
            },

            hasChanges(model, resId) {
                return changesByRecord.has(`${model},${resId}`);
            },

            /** The creation a record created offline came from. */
            creationOf(localId) {
                return creations.get(localId);
            },

            async rememberModelWithDefaults(model) {
                if (!state.modelsWithDefaults.has(model)) {
                    await store.addModelWithDefaults(model);
                    state.modelsWithDefaults.add(model);
                    channel.post({ type: "changed" });
                }
            },

            // For the sync client.
            async takeBatch(limit) {
                const { batch, ...edits } = await store.takeBatch(limit);
                applyEdits(edits);
                return batch;
            },
            async settle(results) {
                const { applied, resolvedIds, ...edits } = await store.settle(results);
                Object.assign(state.resolvedIds, resolvedIds);
                applyEdits(edits);
                return { applied, resolvedIds };
            },
            refresh,

            /** Deletes the outbox of this user from this browser (logout, after a warning). */
            async deleteAll() {
                await store.deleteDatabase();
                setChanges([]);
            },
        };
        browser.addEventListener("beforeunload", (event) => {
            if (state.changes.length) {
                // The browser asks the user to confirm leaving: the changes are
                // kept either way, but will not sync until the app is opened again.
                event.preventDefault();
                event.returnValue = "";
            }
        });
        return outbox;
    },
};

/** Offline mode off: an empty queue, for the markers views show anyway. */
function makeDisabledOutbox(state) {
    return { state, changesOf: () => [] };
}

registry.category("services").add("offline_outbox", offlineOutboxService);

// Logging out warns about unsynced changes, then deletes them (see the user menu patch).
registry.category("offline_mode_user_data").add("outbox", {
    countUnsyncedChanges: (env) => env.services.offline_outbox.state.changes.length,
    deleteData: (env) => env.services.offline_outbox.deleteAll(),
});
