/**
 * The local copy of records: answers of the server (or of the read cache)
 * with the changes still in the outbox laid over them, so that every view
 * shows what the user did offline until the server has it. Pure functions over
 * `web_read` / `web_search_read` answers; orm_offline_patch.js applies them.
 */

import { Domain } from "@web/core/domain";
import { ARCHIVE, CREATE, UNARCHIVE, UNLINK, WRITE } from "./offline_change";

/**
 * A value in web_read form, shaped as a field specification asks it: a
 * relational value with sub-fields as records, without them as ids.
 */
function shapedValue(type, value, fieldSpec) {
    const subFields = fieldSpec?.fields;
    if (type === "many2one") {
        if (!value) {
            return false;
        }
        return subFields ? pick(value, subFields) : value.id;
    }
    if (type === "many2many" || type === "one2many") {
        return (value || []).map((record) => (subFields ? pick(record, subFields) : record.id));
    }
    return value;
}

function pick(record, subFields) {
    const picked = { id: record.id };
    for (const name of Object.keys(subFields)) {
        if (name in record) {
            picked[name] = record[name];
        }
    }
    return picked;
}

function setValues(record, values, fields, specification) {
    for (const [name, value] of Object.entries(values)) {
        if (name in specification) {
            record[name] = shapedValue(fields[name]?.type, value, specification[name]);
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
 */
export function applyChanges(record, changes, specification) {
    for (const change of changes) {
        if (change.operation === WRITE || change.operation === CREATE) {
            setValues(record, change.values, change.fields, specification);
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
 * A record created offline, as web_read would return it.
 *
 * @param {import("./offline_change").OfflineChange} creation
 * @param {import("./offline_change").OfflineChange[]} changes of that record, in order (creation first)
 * @param {Object} specification
 */
export function recordOfCreation(creation, changes, specification) {
    const record = { id: creation.resId };
    for (const name of Object.keys(specification)) {
        record[name] = false;
    }
    if ("display_name" in specification) {
        record.display_name = creation.recordName;
    }
    setValues(record, creation.displayOnly || {}, creation.fields, specification);
    return applyChanges(record, changes, specification);
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

/**
 * Whether a record created offline matches a search domain. Domains the
 * browser cannot evaluate (related paths, unknown fields) leave it out.
 */
function matchesDomain(creation, domain) {
    const values = { id: creation.resId, active: true };
    for (const [name, value] of Object.entries({ ...creation.displayOnly, ...creation.values })) {
        values[name] = shapedValue(creation.fields[name]?.type, value, undefined);
    }
    try {
        return new Domain(domain).contains(values);
    } catch {
        return false;
    }
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
 */
export function applyChangesToSearch(answer, changes, { domain, specification, context, offset }) {
    const changesOf = changesByRecord(changes);
    const hideArchived = hidesArchived(domain, context);
    const records = answer.records
        .filter((record) => !isLeftOut(changesOf(record.id), hideArchived))
        .map((record) => applyChanges(record, changesOf(record.id), specification));
    const created = offset
        ? []
        : changes
              .filter((change) => change.operation === CREATE)
              .filter((creation) => !isLeftOut(changesOf(creation.resId), hideArchived))
              .filter((creation) => matchesDomain(creation, domain))
              .map((creation) =>
                  recordOfCreation(creation, changesOf(creation.resId), specification)
              );
    const leftOut = answer.records.length - records.length;
    return {
        ...answer,
        length: Math.max(answer.length - leftOut, 0) + created.length,
        records: [...created, ...records],
    };
}
