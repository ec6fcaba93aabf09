/**
 * Values and records in exactly the shape the server answers them with
 * (`web_read`, `web_search_read`, see the `web` addon's models.py), for a given
 * field specification: what the web client's relational model expects of a
 * record it did not get from the server (created or edited offline).
 *
 * Values come in "full read form": a many2one as `{ id, display_name, ... }`,
 * a many2many or one2many as a list of `{ id, ... }` (or of ids), dates as
 * server strings, the rest as `web_read` gives them (see offline_change.js).
 *
 * Pure functions. Field descriptions (`{ type, relation }`) come from the
 * views' `get_views` answers; `fieldsOf(model)` gives those of a model, or
 * undefined when no view of it was loaded.
 *
 * @typedef {{ type?: string, relation?: string }} FieldDescription
 * @typedef {(model: string) => Object<string, FieldDescription> | undefined} FieldsOf
 */

import { serializeDate, serializeDateTime } from "@web/core/l10n/dates";

const NUMBER_TYPES = new Set(["integer", "float", "monetary", "many2one_reference"]);
const X2MANY_TYPES = new Set(["one2many", "many2many"]);

const noFields = () => undefined;

/**
 * The field type, or a guess from the specification the relational model
 * built for it when the field's description is unknown: an x2many with
 * sub-fields always has a `limit` entry, a many2one always has `fields`.
 */
function typeOf(field, fieldSpec) {
    if (field?.type) {
        return field.type;
    }
    if (fieldSpec && "limit" in fieldSpec) {
        return "many2many";
    }
    return fieldSpec?.fields ? "many2one" : undefined;
}

/**
 * What the server answers for a field without a value.
 *
 * @param {string} [type]
 */
export function emptyServerValue(type) {
    if (NUMBER_TYPES.has(type)) {
        return 0;
    }
    if (X2MANY_TYPES.has(type) || type === "properties") {
        return [];
    }
    return false;
}

/** A related record as `{ id, ... }`, whatever form it came in. */
function asRecord(value) {
    if (Array.isArray(value)) {
        return { id: value[0], display_name: value[1] };
    }
    return typeof value === "object" ? value : { id: value };
}

/** A related record with exactly the sub-fields asked, each in server shape. */
function shapedRelatedRecord(record, subSpec, relation, fieldsOf) {
    const fields = (relation && fieldsOf(relation)) || {};
    return serverShapedRecord(record.id, record, fields, subSpec, fieldsOf);
}

/** `{ id, model }` of a reference value: "model,id" or as web_read gives it with sub-fields. */
function referenceOf(value) {
    if (typeof value === "string") {
        const [model, id] = value.split(",");
        return { id: Number(id), model };
    }
    return typeof value.id === "object" ? value.id : { id: value.id, model: value.model };
}

/** A date or datetime as the server writes it (a string), from a string or a luxon DateTime. */
function serverDate(type, value) {
    if (typeof value === "string") {
        return value;
    }
    return type === "date" ? serializeDate(value) : serializeDateTime(value);
}

/**
 * A value in the shape `web_read` gives it for `fieldSpec`.
 *
 * @param {FieldDescription | undefined} field
 * @param {any} value in full read form
 * @param {Object} [fieldSpec] the field's entry in the specification
 * @param {FieldsOf} [fieldsOf]
 */
export function serverShapedValue(field, value, fieldSpec = {}, fieldsOf = noFields) {
    const type = typeOf(field, fieldSpec);
    const isEmpty =
        value === false ||
        value === null ||
        value === undefined ||
        value === "" ||
        Number.isNaN(value);
    if (isEmpty) {
        return emptyServerValue(type);
    }
    switch (type) {
        case "many2one": {
            const record = asRecord(value);
            if (!fieldSpec.fields) {
                return record.id;
            }
            return shapedRelatedRecord(record, fieldSpec.fields, field?.relation, fieldsOf);
        }
        case "one2many":
        case "many2many": {
            const records = value.map(asRecord);
            if (!fieldSpec.fields) {
                return records.map((record) => record.id);
            }
            // Beyond the limit, the server sends the ids alone.
            const limit = fieldSpec.limit ?? Infinity;
            return records.map((record, index) =>
                index < limit
                    ? shapedRelatedRecord(record, fieldSpec.fields, field?.relation, fieldsOf)
                    : { id: record.id }
            );
        }
        case "reference": {
            const reference = referenceOf(value);
            if (!fieldSpec.fields) {
                return `${reference.model},${reference.id}`;
            }
            const record = { ...(typeof value === "object" ? value : {}), id: reference.id };
            const shaped = shapedRelatedRecord(record, fieldSpec.fields, reference.model, fieldsOf);
            return { ...shaped, id: reference };
        }
        case "date":
        case "datetime":
            return serverDate(type, value);
        case "integer":
        case "float":
        case "monetary":
        case "many2one_reference":
            return Number(value);
        case "boolean":
            return Boolean(value);
        default:
            return value;
    }
}

/**
 * A record as `web_read` answers it for `specification`: every field asked,
 * those without a value as the server gives an empty one.
 *
 * @param {number} id
 * @param {Object} values field name → value in full read form
 * @param {Object<string, FieldDescription>} fields descriptions of the record's model
 * @param {Object} specification
 * @param {FieldsOf} [fieldsOf]
 */
export function serverShapedRecord(id, values, fields, specification, fieldsOf = noFields) {
    const record = { id };
    for (const [name, fieldSpec] of Object.entries(specification)) {
        if (name !== "id") {
            record[name] =
                name in values
                    ? serverShapedValue(fields[name], values[name], fieldSpec, fieldsOf)
                    : emptyServerValue(typeOf(fields[name], fieldSpec));
        }
    }
    return record;
}
