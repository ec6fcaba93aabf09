/**
 * The outbox's storage as the sync client uses it (outbox_store.js
 * `takeBatch` and `settle`): the next batch marked `sent`, then the server's
 * answers stored.
 *
 * A batch is marked `sent` by one small record, the uuids sent and not
 * answered yet (outbox_schema.js), written in the transaction that reads the
 * batch; its changes are not rewritten. Answers that are all "applied", for
 * changes that are no creations (nothing to rewrite: no real id to put in the
 * other changes, no reason to keep), are stored by deleting those changes and
 * their uuids in that record, in one transaction without reading them: a
 * change marked `sent` is never rewritten until answered (no merge, no "keep
 * mine"), so what was taken is what is stored. Other answers are read,
 * opened, planned (merge_planning.js `planSettle`), sealed again and written
 * in a second transaction.
 *
 * Failure behaviour (both under the outbox's Web Lock, each write one strict
 * transaction):
 * - the mark is on disk before the request leaves: a crash, a closed tab or a
 *   lost response after it leaves the batch marked `sent`; the next sync takes
 *   it again, under the same uuids, and the server answers what it applied as
 *   a replay; meanwhile no later edit merges into it;
 * - a crash before the answers are stored is the same case; storing them is
 *   all or nothing;
 * - a full disk or quota aborts the mark (the batch is not sent, the sync
 *   retries later) or the answers (they stay `sent`: the next sync is answered
 *   as a replay); deleting never needs room;
 * - a second tab waits for the Web Lock; a change queued alone meanwhile
 *   (outbox_enqueue.js) concerns a record with nothing queued, so neither the
 *   batch nor the answers touch it.
 */

import { requestResult } from "../browser_db";
import { CREATE, PENDING } from "../offline_change";
import { planSettle, withResolvedIds } from "./merge_planning";
import {
    readMeta,
    readSent,
    RESOLVED_IDS_KEY,
    sealChange,
    withSent,
    writeSent,
} from "./outbox_schema";

/** Real ids of records created offline are remembered for the last this many. */
const RESOLVED_IDS_KEPT = 200;

/**
 * The next changes to send, at most `limit`, in order, marked `sent`:
 * pending ones, including those sent before without an answer, but those in
 * `excluded` (a request carries them now).
 *
 * @returns {Promise<{ batch: Object[], put: Object[], remove: string[] }>}
 */
export async function takeBatch(store, keyring, limit, excluded = new Set()) {
    const { batch, marked } = await store._transaction("readwrite", async (changes, meta) => {
        // Read page by page from the head of the queue: failed changes
        // (waiting for the user) and those this browser cannot open are
        // skipped, the tail is never read.
        const sent = await readSent(meta);
        const batch = [];
        let after = null;
        while (batch.length < limit) {
            const range = after === null ? null : IDBKeyRange.lowerBound(after, true);
            const page = await requestResult(changes.index("seq").getAll(range, limit));
            batch.push(
                ...page.filter(
                    (change) =>
                        change.status === PENDING &&
                        !excluded.has(change.uuid) &&
                        keyring.canOpen(change.sealed)
                )
            );
            if (page.length < limit) {
                break;
            }
            after = page.at(-1).seq;
        }
        batch.splice(limit);
        const marked = new Set(
            withSent(batch, sent)
                .filter((change) => !change.sent)
                .map((change) => change.uuid)
        );
        if (marked.size) {
            marked.forEach((uuid) => sent.add(uuid));
            writeSent(meta, sent);
        }
        batch.forEach((change) => (change.sent = true));
        return { batch, marked };
    });
    const opened = await store._openAll(keyring, batch);
    for (const { uuid, model, resId, operation } of batch) {
        store._sending.set(uuid, { model, resId, operation });
    }
    return {
        batch: opened,
        put: opened.filter((change) => marked.has(change.uuid)),
        remove: [],
    };
}

/** Answers all "applied", for changes of the last batch that are no creations: deletes only. */
async function settleApplied(store, results) {
    const answered = results.map((result) => result.uuid);
    await store._transaction("readwrite", async (changes, meta) => {
        const sent = await readSent(meta);
        answered.forEach((uuid) => changes.delete(uuid));
        writeSent(meta, sent, answered);
    });
    const applied = answered.map((uuid) => ({ uuid, ...store._sending.get(uuid) }));
    answered.forEach((uuid) => store._sending.delete(uuid));
    return { applied, resolvedIds: {}, put: [], remove: answered };
}

/**
 * Stores the server's answers: applied changes leave the queue (a creation's
 * real id replaces its local id in the others); conflicts and rejections
 * stay, open again, with the server's reasons.
 *
 * @param {Array<{ uuid: string, status: string, res_id: number|null, conflicts?: Array, error?: Object }>} results
 * @returns {Promise<{ applied: Object[], resolvedIds: Object<number, number>, put: Object[], remove: string[] }>}
 */
export async function settle(store, keyring, results) {
    const onlyApplied = results.every(
        (result) =>
            result.status === "applied" &&
            store._sending.has(result.uuid) &&
            store._sending.get(result.uuid).operation !== CREATE
    );
    if (onlyApplied) {
        return settleApplied(store, results);
    }
    // Only the answered changes are read, unless a creation was applied:
    // then the others may point to its local id.
    const [answered, others, known] = await store._transaction(
        "readonly",
        async (changes, meta) => {
            const sent = await readSent(meta);
            const answered = await Promise.all(
                results.map((result) => requestResult(changes.get(result.uuid)))
            );
            const appliedCreation = results.some(
                (result, index) =>
                    result.status === "applied" && answered[index]?.operation === CREATE
            );
            const [others, known] = await Promise.all([
                appliedCreation ? requestResult(changes.getAll()) : [],
                readMeta(meta, RESOLVED_IDS_KEY, {}),
            ]);
            return [withSent(answered.filter(Boolean), sent), withSent(others, sent), known];
        }
    );
    const opened = await store._openAll(keyring, answered);
    const { applied, updated, newlyResolved, byUuid } = planSettle(opened, results);
    const appliedUuids = new Set(applied.map((change) => change.uuid));
    let resolvedIds = null;
    if (Object.keys(newlyResolved).length) {
        const remaining = others.filter((change) => !appliedUuids.has(change.uuid));
        for (const change of await store._openAll(keyring, remaining)) {
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
    for (const change of updated.values()) {
        if (store._sending.has(change.uuid)) {
            store._sending.get(change.uuid).resId = change.resId;
        }
    }
    const sealed = await Promise.all(
        [...updated.values()].map((change) => sealChange(keyring, change))
    );
    await store._transaction("readwrite", async (changes, meta) => {
        const sent = await readSent(meta);
        appliedUuids.forEach((uuid) => changes.delete(uuid));
        sealed.forEach((change) => changes.put(change));
        if (resolvedIds) {
            meta.put({ key: RESOLVED_IDS_KEY, value: resolvedIds });
        }
        writeSent(
            meta,
            sent,
            results.map((result) => result.uuid)
        );
    });
    results.forEach((result) => store._sending.delete(result.uuid));
    return {
        applied,
        resolvedIds: newlyResolved,
        put: [...updated.values()],
        remove: [...appliedUuids],
    };
}
