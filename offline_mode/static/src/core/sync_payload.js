/**
 * A change as `/offline_mode/sync` takes it (docs/sync-api.md): values in the
 * form `write()` takes, records created offline named `"virtual:<uuid of the
 * create>"` instead of their local id.
 *
 * Failure behaviour: a change that refers to a record created offline whose
 * creation was discarded cannot be sent; `toSyncPayload` throws
 * `MissingCreationError` for it, and the caller decides (the sync client
 * answers it as rejected, the export keeps what it can of it).
 */

import { _t } from "@web/core/l10n/translation";
import { CREATE, isLocalId, WRITE } from "./offline_change";

const VIRTUAL_PREFIX = "virtual:";
/** Command.SET of the ORM: a many2many is always sent whole. */
const SET_COMMAND = 6;

/**
 * A value in the form `write()` takes, record ids made by `reference`.
 *
 * @param {string} type
 * @param {any} value in web_read form
 * @param {(id: number) => number|string} reference
 */
function toServerValue(type, value, reference) {
    if (type === "many2one") {
        return value ? reference(value.id) : false;
    }
    if (type === "many2many") {
        return (value || []).map((record) => reference(record.id));
    }
    return value;
}

function mapValues(values, fields, convert) {
    return Object.fromEntries(
        Object.entries(values).map(([name, value]) => [name, convert(fields[name].type, value)])
    );
}

/**
 * The change as `/offline_mode/sync` takes it.
 *
 * @param {import("./offline_change").OfflineChange} change
 * @param {(localId: number) => string|undefined} uuidOfLocalId the uuid of the
 *   create change that gave a record created offline its local id
 */
export function toSyncPayload(change, uuidOfLocalId) {
    const reference = (id) => {
        if (!isLocalId(id)) {
            return id;
        }
        const uuid = uuidOfLocalId(id);
        if (!uuid) {
            throw new MissingCreationError();
        }
        return VIRTUAL_PREFIX + uuid;
    };
    const payload = {
        uuid: change.uuid,
        model: change.model,
        operation: change.operation,
        res_id: change.operation === CREATE ? null : reference(change.resId),
        made_at: change.madeAt,
        force: change.force,
    };
    if (change.operation === CREATE || change.operation === WRITE) {
        payload.values = mapValues(change.values, change.fields, (type, value) => {
            const serverValue = toServerValue(type, value, reference);
            return type === "many2many" ? [[SET_COMMAND, 0, serverValue]] : serverValue;
        });
    }
    if (change.operation === WRITE) {
        payload.original = mapValues(change.original, change.fields, (type, value) =>
            toServerValue(type, value, reference)
        );
    }
    return payload;
}

/** A change refers to a record created offline whose creation was discarded. */
export class MissingCreationError extends Error {
    constructor() {
        super(_t("This change refers to a record created offline whose creation was discarded."));
    }
}

/** A change the client answers itself as rejected (the server never saw it). */
export function rejection(uuid, code, message) {
    return { uuid, status: "rejected", res_id: null, replayed: false, error: { code, message } };
}

/**
 * The payloads of a batch; a change that cannot be sent (MissingCreationError)
 * is answered here as rejected, in `refused`.
 *
 * @param {import("./offline_change").OfflineChange[]} batch
 * @param {(localId: number) => string|undefined} uuidOfLocalId see toSyncPayload
 */
export function batchPayloads(batch, uuidOfLocalId) {
    const payloads = [];
    const refused = [];
    for (const change of batch) {
        try {
            payloads.push(toSyncPayload(change, uuidOfLocalId));
        } catch (error) {
            if (!(error instanceof MissingCreationError)) {
                throw error;
            }
            refused.push(rejection(change.uuid, "dependency_failed", error.message));
        }
    }
    return { payloads, refused };
}

/** Local id → real id of the creations of `batch` that `results` say applied. */
export function appliedCreations(batch, results) {
    const byUuid = new Map(batch.map((change) => [change.uuid, change]));
    const resolved = {};
    for (const result of results) {
        const change = byUuid.get(result.uuid);
        if (result.status === "applied" && change?.operation === CREATE) {
            resolved[change.resId] = result.res_id;
        }
    }
    return resolved;
}
