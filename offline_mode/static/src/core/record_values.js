/**
 * What offline mode reads of a record of the web client's relational model
 * (`@web/model/relational_model/record`): its values, in the form a change
 * keeps them (`web_read` form, see offline_change.js), and the state of a save.
 *
 * The one place that reads the record's private state (`_values`, `_changes`,
 * `_initialChanges`, `_getChanges()`, `_parentRecord`, a list's `_cache`):
 * Odoo gives it no public API, so this is what to check when `Record` changes.
 *
 * Failure behaviour: reads only, the record is left as it was.
 */

import { serializeDate, serializeDateTime } from "@web/core/l10n/dates";

/** Plain values of a related record (id, display_name, color, ...), for many2many values. */
function relatedRecordValues(record) {
    const values = { id: record.resId };
    for (const [name, value] of Object.entries(record.data)) {
        if (name !== "id" && ["string", "number", "boolean"].includes(typeof value)) {
            values[name] = value;
        }
    }
    return values;
}

/**
 * A value of the web client's record data (`record.data[name]`) in the form
 * `web_read` gives it.
 *
 * @param {string} type field type
 * @param {any} value
 */
export function toReadValue(type, value) {
    switch (type) {
        case "char":
        case "text":
        case "html":
            return value && value.length ? String(value) : false;
        case "date":
            return value ? serializeDate(value) : false;
        case "datetime":
            return value ? serializeDateTime(value) : false;
        case "many2one":
            return value ? { id: value[0], display_name: value[1] } : false;
        case "many2many":
            return value.records.map(relatedRecordValues);
        default:
            return value;
    }
}

/**
 * What a record of the web client's relational model held for `name` when it
 * was last loaded: the value as the user saw it before editing.
 *
 * @param {import("@web/model/relational_model/record").Record} record
 * @param {string} name
 */
export function originalReadValue(record, name) {
    const type = record.fields[name].type;
    if (type === "many2many") {
        // The list is edited in place; its configuration keeps the ids it was loaded with.
        const list = record._values[name];
        return list.resIds.map((id) =>
            list._cache[id] ? relatedRecordValues(list._cache[id]) : { id }
        );
    }
    return toReadValue(type, record._values[name]);
}

/**
 * What is needed to show a field's values later, without the view.
 *
 * @param {import("@web/model/relational_model/record").Record} record
 * @param {string} name
 * @returns {import("./offline_change").FieldInfo}
 */
export function fieldInfoOf(record, name) {
    const field = record.fields[name];
    const info = { type: field.type, string: field.string };
    if (field.type === "selection") {
        info.selection = field.selection;
    }
    if (field.digits) {
        info.digits = field.digits;
    }
    if (field.type === "monetary") {
        const currency = record.data[field.currency_field || "currency_id"];
        info.currencyId = Array.isArray(currency) ? currency[0] : currency || undefined;
    }
    return info;
}

/** The name a record is listed under. */
export function recordNameOf(record) {
    return record.data.display_name || record.data.name || "";
}

/** A line of an x2many: saved with its parent record, not on its own. */
export function isSubRecord(record) {
    return Boolean(record._parentRecord);
}

/**
 * What a save of `record` would send to the server (the changed fields, every
 * field of a new record), in the form `web_save` takes, without the id.
 */
export function changesToSave(record) {
    const changes = record._getChanges();
    delete changes.id;
    return changes;
}

/** Whether a field of a new record still holds the default it was created with. */
export function isUntouchedDefault(record, name, sentValue) {
    if (["one2many", "many2many"].includes(record.fields[name].type)) {
        return !sentValue.length; // no line added
    }
    return record._changes[name] === record._initialChanges[name];
}
