/**
 * Merge planning of the outbox, pure: what queueing a change does to the queue
 * (a list of changes in order), and changes with the real ids of records
 * created offline put in, what the server's answers make of the queue.
 * Storage (outbox_store.js) applies the plans.
 *
 * Failure behaviour: pure functions over the changes given; they change
 * nothing, so a plan that is not applied leaves the queue as it was.
 */

import {
    ARCHIVE,
    CONFLICT,
    CREATE,
    isLocalId,
    isSameValue,
    PENDING,
    REJECTED,
    UNARCHIVE,
    UNLINK,
    WRITE,
} from "../offline_change";

/** Local ids (records created offline) a change's values point to. */
export function localIdsIn(values, fields) {
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
 * @param {import("../offline_change").OfflineChange[]} queue in order
 * @param {import("../offline_change").OfflineChange} change new, without seq
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
export function withResolvedIds(change, resolvedIds) {
    let resolved = change;
    for (const [localId, realId] of Object.entries(resolvedIds)) {
        resolved = withRealId(resolved, Number(localId), realId);
    }
    return resolved;
}

/**
 * What the server's answers make of the changes they answer (`answered`,
 * opened; one discarded meanwhile is missing): applied ones leave the queue,
 * a creation with its real id; conflicts and rejections stay, open again (no
 * longer `sent`), with the server's reasons.
 *
 * @param {Object[]} answered
 * @param {Array<{ uuid: string, status: string, res_id: number|null, conflicts?: Array, error?: Object }>} results
 * @returns {{ applied: Object[], updated: Map<string, Object>, newlyResolved: Object<number, number>, byUuid: Map<string, Object> }}
 *   `newlyResolved`: local id → real id of the creations applied; `byUuid`:
 *   the answered changes that stay, as they are now
 */
export function planSettle(answered, results) {
    const byUuid = new Map(answered.map((change) => [change.uuid, change]));
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
    return { applied, updated, newlyResolved, byUuid };
}
