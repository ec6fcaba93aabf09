/**
 * Queueing changes in the outbox's storage (outbox_store.js `enqueue`): the
 * plan (merge_planning.js) applied in one IndexedDB transaction.
 *
 * Two ways, the same result:
 * - alone: a single change whose records have nothing queued (the usual
 *   edit) is planned as if the queue were empty and sealed first; then one
 *   transaction reads the counter and looks for queued changes of its records,
 *   and writes only if the counter is the one this tab last saw and there are
 *   none: the plan it made is then the plan a full read would make. No Web
 *   Lock is needed: the transaction is the unit, and IndexedDB runs writing
 *   transactions over the same stores one at a time, in every tab. Otherwise
 *   it is aborted, nothing written, and the change goes the second way;
 * - planned: under the outbox's Web Lock, one transaction reads the counter
 *   and the queued changes of the records concerned, they are opened and
 *   planned, the result sealed (WebCrypto cannot run inside a transaction),
 *   then a second transaction writes it, if the counter did not move
 *   meanwhile (a change queued alone by another tab moves it); else it is
 *   aborted and planned again.
 *
 * Failure behaviour: either way a change is queued whole or not at all,
 * in one strict transaction: a crash, a closed tab or a power cut before it
 * completed leaves the queue as it was, and the caller tells the user "saved
 * offline" only once it completed. A full disk or quota aborts it: nothing is
 * written and OutboxFullError is thrown. A second tab queueing at the same
 * time makes one of the two transactions see the counter moved: that one is
 * planned again over what the other wrote, so merges see every change queued
 * before, and a change marked `sent` (by a sync, under the Web Lock) is never
 * merged into. The counter only grows: a `seq` (and a local id) is never
 * given twice.
 */

import { isQuotaError, requestResult } from "../browser_db";
import { CREATE } from "../offline_change";
import { localIdsIn, planEnqueue } from "./merge_planning";
import { OutboxFullError } from "./outbox_errors";
import { COUNTER_KEY, readMeta, readSent, sealChange, withSent } from "./outbox_schema";

/** The counter moved since it was read: the plan is stale, nothing is written. */
class StalePlanError extends Error {}

/** The records a change concerns: its own and the records created offline its values point to. */
function relatedIds(change) {
    const resIds = new Set(localIdsIn(change.values, change.fields));
    if (change.resId !== undefined) {
        resIds.add(change.resId);
    }
    return resIds;
}

/** The planned changes without `seq` get the next ones (and a creation its local id). */
function numbered(planned, counter) {
    for (const change of planned) {
        if (change.seq === undefined) {
            change.seq = ++counter;
            if (change.operation === CREATE) {
                change.resId = -change.seq;
            }
        }
    }
    return counter;
}

/**
 * Writes in one transaction, once `check(changes, meta)` (requests of the same
 * transaction, made before the writes) resolved true; else aborts it.
 */
async function writeChecked(store, check, sealed, removed, counter) {
    try {
        await store._transaction("readwrite", async (changes, meta) => {
            const checked = check(changes, meta);
            checked.catch(() => {}); // a write that throws aborts first: the reads then fail too
            sealed.forEach((change) => changes.put(change));
            removed.forEach((uuid) => changes.delete(uuid));
            meta.put({ key: COUNTER_KEY, value: counter });
            if (!(await checked)) {
                throw new StalePlanError();
            }
        });
    } catch (error) {
        throw isQuotaError(error) ? new OutboxFullError(error) : error;
    }
}

/** Queues `change` alone (see the header); null when it has to be planned with the queue. */
async function enqueueAlone(store, keyring, change) {
    const expected = store._counter;
    const plan = planEnqueue([], { ...change });
    if (expected === null || plan.remove.length || plan.put.length !== 1) {
        return null;
    }
    const [planned] = plan.put;
    const counter = numbered([planned], expected);
    const sealed = await sealChange(keyring, planned);
    const ids = [...relatedIds(change)];
    const check = async (changes, meta) => {
        const [stored, ...related] = await Promise.all([
            readMeta(meta, COUNTER_KEY, 0),
            ...ids.map((resId) => requestResult(changes.index("resId").count(resId))),
        ]);
        return stored === expected && related.every((count) => !count);
    };
    try {
        await writeChecked(store, check, [sealed], [], counter);
    } catch (error) {
        store._counter = null;
        // A `seq` taken meanwhile (the unique index refused it) is a moved counter too.
        if (error instanceof StalePlanError || error?.name === "ConstraintError") {
            return null;
        }
        throw error;
    }
    store._counter = counter;
    return { queued: [planned], put: [planned], remove: [] };
}

/** Queues `newChanges` planned with the queued changes of their records (see the header). */
async function enqueuePlanned(store, keyring, newChanges) {
    const resIds = new Set(newChanges.flatMap((change) => [...relatedIds(change)]));
    const [counterRead, related, sent] = await store._transaction("readonly", (changes, meta) =>
        Promise.all([
            readMeta(meta, COUNTER_KEY, 0),
            Promise.all(
                [...resIds].map((resId) => requestResult(changes.index("resId").getAll(resId)))
            ),
            readSent(meta),
        ])
    );
    store._counter = counterRead;
    let counter = counterRead;
    const known = new Map(
        (await store._openAll(keyring, withSent(related.flat(), sent))).map((change) => [
            change.uuid,
            change,
        ])
    );
    const put = new Map();
    const removed = new Set();
    const queued = [];
    for (const newChange of newChanges) {
        const ids = relatedIds(newChange);
        const ofRecords = [...known.values()]
            .filter((queuedChange) => ids.has(queuedChange.resId))
            .sort((a, b) => a.seq - b.seq);
        const plan = planEnqueue(ofRecords, { ...newChange });
        counter = numbered(plan.put, counter);
        for (const planned of plan.put) {
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
            plan.put.find((planned) => planned.uuid === newChange.uuid) || plan.put[0] || null
        );
    }
    const sealed = await Promise.all(
        [...put.values()].map((change) => sealChange(keyring, change))
    );
    const check = async (_changes, meta) => (await readMeta(meta, COUNTER_KEY, 0)) === counterRead;
    try {
        await writeChecked(store, check, sealed, removed, counter);
    } catch (error) {
        store._counter = null;
        throw error;
    }
    store._counter = counter;
    return { queued, put: [...put.values()], remove: [...removed] };
}

/**
 * Queues changes (see planEnqueue), all or none. A creation gets its local
 * id here. Only the changes of the same records and the creations the values
 * point to are read: queueing costs the same with 10 or 10,000 changes queued.
 *
 * @param {OutboxStore} store
 * @param {Keyring} keyring
 * @param {Object[]} newChanges
 * @returns {Promise<{ queued: Array<Object|null>, put: Object[], remove: string[] }>}
 *   `queued[i]`: what `newChanges[i]` became (null when it cancelled out)
 */
export async function enqueueChanges(store, keyring, newChanges) {
    if (!newChanges.length) {
        return { queued: [], put: [], remove: [] };
    }
    if (newChanges.length === 1) {
        const alone = await enqueueAlone(store, keyring, newChanges[0]);
        if (alone) {
            return alone;
        }
    }
    return store.exclusive(async () => {
        for (;;) {
            try {
                return await enqueuePlanned(store, keyring, newChanges);
            } catch (error) {
                if (!(error instanceof StalePlanError)) {
                    throw error;
                }
            }
        }
    });
}
