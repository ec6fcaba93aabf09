/**
 * The local copy of records: answers of the server (or of the read cache)
 * with the changes still in the outbox laid over them, so that every view
 * shows what the user did offline until the server has it. Pure functions over
 * `web_read` / `web_search_read` answers, giving records in exactly the shape
 * the server would (server_shape.js); local_copy_service.js applies them.
 *
 * `fieldsOf(model)` gives the field descriptions of a model known from its
 * views (see server_shape.js).
 */

import { Domain } from "@web/core/domain";
import { ARCHIVE, CREATE, UNARCHIVE, UNLINK, WRITE } from "./offline_change";
import { serverShapedRecord, serverShapedValue } from "./server_shape";

const noFields = () => undefined;

/**
 * The fields of a change's model: their descriptions from the views when
 * known, else what the change kept of them (the type, not the comodel).
 */
function fieldsOfChange(change, fieldsOf) {
    return { ...change.fields, ...fieldsOf(change.model) };
}

function setValues(record, values, fields, specification, fieldsOf) {
    for (const [name, value] of Object.entries(values)) {
        if (name in specification && name !== "id") {
            record[name] = serverShapedValue(fields[name], value, specification[name], fieldsOf);
        }
    }
}

/**
 * A record as web_read returns it, with the queued changes of that record
 * applied in order. Changed in place.
 *
 * @param {Object} record
 * @param {import("./offline_change").OfflineChange[]} changes of that record, in order
 * @param {Object} specification
 * @param {import("./server_shape").FieldsOf} [fieldsOf]
 */
export function applyChanges(record, changes, specification, fieldsOf = noFields) {
    for (const change of changes) {
        if (change.operation === WRITE || change.operation === CREATE) {
            setValues(
                record,
                change.values,
                fieldsOfChange(change, fieldsOf),
                specification,
                fieldsOf
            );
        } else if (
            (change.operation === ARCHIVE || change.operation === UNARCHIVE) &&
            "active" in specification
        ) {
            record.active = change.operation === UNARCHIVE;
        }
    }
    return record;
}

/**
 * A record created offline, as web_read would return it: the values the form
 * showed, then the queued changes; the fields it did not show empty, as the
 * server answers them (the server computes their real values on sync).
 *
 * @param {import("./offline_change").OfflineChange} creation
 * @param {import("./offline_change").OfflineChange[]} changes of that record, in order (creation first)
 * @param {Object} specification
 * @param {import("./server_shape").FieldsOf} [fieldsOf]
 */
export function recordOfCreation(creation, changes, specification, fieldsOf = noFields) {
    const values = { ...creation.displayOnly };
    if (creation.recordName) {
        values.display_name = creation.recordName;
    }
    const fields = fieldsOfChange(creation, fieldsOf);
    const record = serverShapedRecord(creation.resId, values, fields, specification, fieldsOf);
    return applyChanges(record, changes, specification, fieldsOf);
}

/** The changes of each record, in order. */
export function changesByRecord(changes) {
    const byRecord = new Map();
    for (const change of changes) {
        if (!byRecord.has(change.resId)) {
            byRecord.set(change.resId, []);
        }
        byRecord.get(change.resId).push(change);
    }
    return (resId) => byRecord.get(resId) || [];
}

/** Whether a search hides archived records (the default `active_test`). */
function hidesArchived(domain, context) {
    const mentionsActive = domain.some((term) => Array.isArray(term) && term[0] === "active");
    return context?.active_test !== false && !mentionsActive;
}

/** Whether the changes of a record take it out of a search: deleted, or archived while archived records are hidden. */
function isLeftOut(changes, hideArchived) {
    const last = changes.findLast((change) =>
        [UNLINK, ARCHIVE, UNARCHIVE].includes(change.operation)
    );
    return last?.operation === UNLINK || (hideArchived && last?.operation === ARCHIVE);
}

const TRUE_LEAF = [1, "=", 1];

/**
 * Whether a record created offline matches a search domain. A term on a field
 * the creation does not hold (a related path, a field the form did not show or
 * showed empty, left to the server) cannot be checked in the browser: it is
 * taken as met, so that what the user created stays in sight. The group of a grouped view then decides: its
 * search carries `default_<grouped field>` in its context (see the web
 * client's relational model), and the record is only in the group of its value.
 */
function matchesDomain(creation, domain, context, fieldsOf) {
    const fields = fieldsOfChange(creation, fieldsOf);
    const values = { id: creation.resId, active: true };
    // Shown empty and not sent: the server computes them (a quotation's salesperson).
    const displayed = Object.entries(creation.displayOnly || {}).filter(
        ([, value]) => value !== false && !(Array.isArray(value) && !value.length)
    );
    for (const [name, value] of [...displayed, ...Object.entries(creation.values)]) {
        // As plain read() gives them: relations as ids.
        values[name] = serverShapedValue(fields[name], value, {});
    }
    const isKnownTerm = (term) =>
        !Array.isArray(term) ||
        (typeof term[0] === "string" && !term[0].includes(".") && term[0] in values) ||
        typeof term[0] === "number";
    const checkable = domain.map((term) => (isKnownTerm(term) ? term : TRUE_LEAF));
    if (checkable.some((term, index) => term !== domain[index]) && !isInGroupOf(values, context)) {
        return false;
    }
    try {
        return new Domain(checkable).contains(values);
    } catch {
        return false;
    }
}

/** Whether the record holds the single values the context gives as defaults. */
function isInGroupOf(values, context = {}) {
    return Object.entries(context).every(([key, value]) => {
        const name = key.startsWith("default_") && key.slice("default_".length);
        return !name || !(name in values) || typeof value === "object" || values[name] === value;
    });
}

/**
 * A web_search_read answer with the queued changes applied: edited records
 * show their new values, deleted (and, when archived records are hidden,
 * archived) records leave it, records created offline that match the domain
 * come first on the first page.
 *
 * @param {{ length: number, records: Object[] }} answer
 * @param {import("./offline_change").OfflineChange[]} changes of the searched model, in order
 * @param {{ domain: Array, specification: Object, context?: Object, offset?: number }} search
 * @param {import("./server_shape").FieldsOf} [fieldsOf]
 */
export function applyChangesToSearch(
    answer,
    changes,
    { domain, specification, context, offset },
    fieldsOf = noFields
) {
    const changesOf = changesByRecord(changes);
    const hideArchived = hidesArchived(domain, context);
    const records = answer.records
        .filter((record) => !isLeftOut(changesOf(record.id), hideArchived))
        .map((record) => applyChanges(record, changesOf(record.id), specification, fieldsOf));
    const created = offset
        ? []
        : changes
              .filter((change) => change.operation === CREATE)
              .filter((creation) => !isLeftOut(changesOf(creation.resId), hideArchived))
              .filter((creation) => matchesDomain(creation, domain, context, fieldsOf))
              .map((creation) =>
                  recordOfCreation(creation, changesOf(creation.resId), specification, fieldsOf)
              );
    const leftOut = answer.records.length - records.length;
    return {
        ...answer,
        length: Math.max(answer.length - leftOut, 0) + created.length,
        records: [...created, ...records],
    };
}
