/**
 * A change made offline, as the browser keeps it: the one definition of its
 * format on this side (the server's is offline_mode/sync/change.py).
 *
 * Values are kept the way `web_read` returns them (a many2one as
 * `{ id, display_name }`, a many2many as a list of `{ id, display_name, ... }`,
 * dates as server strings), so that they can be shown, formatted and laid over
 * cached answers; `toSyncPayload` turns them into what `/offline_mode/sync`
 * takes.
 *
 * Records created offline have a local id: a negative integer (the web client
 * expects numeric ids). The server knows them as `"virtual:<uuid of the create>"`.
 *
 * @typedef {"create"|"write"|"unlink"|"archive"|"unarchive"} Operation
 * @typedef {"pending"|"conflict"|"rejected"} ChangeStatus
 * @typedef {{ type: string, string: string, selection?: Array, digits?: number[], currencyId?: number }} FieldInfo
 * @typedef {{
 *   uuid: string,
 *   seq: number,
 *   model: string,
 *   operation: Operation,
 *   resId: number,
 *   values: Object,
 *   original: Object,
 *   fields: Object<string, FieldInfo>,
 *   recordName: string,
 *   actionId: number|false,
 *   actionName: string,
 *   madeAt: string,
 *   status: ChangeStatus,
 *   sent: boolean,
 *   force: boolean,
 *   error: { code: string, message: string } | null,
 *   conflicts: Array<{ field: string, label: string, original: any, server: any, client: any }> | null,
 * }} OfflineChange
 */

import { _t } from "@web/core/l10n/translation";
import {
    deserializeDate,
    deserializeDateTime,
    serializeDate,
    serializeDateTime,
} from "@web/core/l10n/dates";
import {
    formatDate,
    formatDateTime,
    formatFloat,
    formatInteger,
    formatMany2one,
    formatMonetary,
    formatSelection,
} from "@web/views/fields/formatters";

export const CREATE = "create";
export const WRITE = "write";
export const UNLINK = "unlink";
export const ARCHIVE = "archive";
export const UNARCHIVE = "unarchive";

export const PENDING = "pending";
export const CONFLICT = "conflict";
export const REJECTED = "rejected";

const VIRTUAL_PREFIX = "virtual:";
/** Command.SET of the ORM: a many2many is always sent whole. */
const SET_COMMAND = 6;
/** Long texts are cut in lists and tooltips. */
const MAX_SHOWN_LENGTH = 80;

/**
 * Field types that can be edited offline. A many2many only with the tags
 * widget (see views/field_offline_readonly_patch.js): its records are all known.
 */
export const EDITABLE_TYPES = new Set([
    "char",
    "text",
    "html",
    "integer",
    "float",
    "monetary",
    "boolean",
    "date",
    "datetime",
    "selection",
    "many2one",
    "many2many",
]);

export function isLocalId(resId) {
    return Number.isInteger(resId) && resId < 0;
}

/** 128 random bits in hexadecimal (works on plain http, unlike crypto.randomUUID). */
export function newUuid() {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    return [...bytes].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** Now, in UTC, the way the sync contract writes times. */
export function utcNow() {
    return serializeDateTime(luxon.DateTime.utc());
}

// -----------------------------------------------------------------------------
// From a record of the web client
// -----------------------------------------------------------------------------

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
 * @returns {FieldInfo}
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

// -----------------------------------------------------------------------------
// Comparing and sending
// -----------------------------------------------------------------------------

function idsOf(value) {
    return (value || []).map((record) => record.id).sort((a, b) => a - b);
}

/** Whether two values of a field (in web_read form) are the same. */
export function isSameValue(type, a, b) {
    if (type === "many2one") {
        return (a ? a.id : false) === (b ? b.id : false);
    }
    if (type === "many2many") {
        return JSON.stringify(idsOf(a)) === JSON.stringify(idsOf(b));
    }
    return (a || false) === (b || false) || a === b;
}

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
 * @param {OfflineChange} change
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

// -----------------------------------------------------------------------------
// Showing
// -----------------------------------------------------------------------------

function shorten(text) {
    const line = text.replace(/\s+/g, " ").trim();
    return line.length > MAX_SHOWN_LENGTH ? `${line.slice(0, MAX_SHOWN_LENGTH - 1)}…` : line;
}

function htmlToText(html) {
    // DOMParser documents are inert: nothing of the value runs or loads.
    return new DOMParser().parseFromString(html, "text/html").body.textContent || "";
}

/**
 * A value as the views show it, as plain text (never markup).
 *
 * @param {FieldInfo} field
 * @param {any} value in web_read form
 * @returns {string}
 */
export function formatChangeValue(field, value) {
    if (field.type === "boolean") {
        return value ? _t("Yes") : _t("No");
    }
    const isEmpty =
        value === false ||
        value === null ||
        value === undefined ||
        value === "" ||
        (field.type === "many2many" && !value.length);
    if (isEmpty) {
        return _t("None");
    }
    switch (field.type) {
        case "html":
            return shorten(htmlToText(value));
        case "integer":
            return formatInteger(value);
        case "float":
            return formatFloat(value, { digits: field.digits });
        case "monetary":
            return formatMonetary(value, { currencyId: field.currencyId, digits: field.digits });
        case "date":
            return formatDate(deserializeDate(value));
        case "datetime":
            return formatDateTime(deserializeDateTime(value));
        case "selection":
            return formatSelection(value, { selection: field.selection });
        case "many2one":
            return shorten(formatMany2one([value.id, value.display_name]));
        case "many2many":
            return shorten(
                value.map((record) => record.display_name || `#${record.id}`).join(", ")
            );
        default:
            return shorten(String(value));
    }
}

/**
 * One line per changed field of a change: label, value before and after.
 *
 * @param {OfflineChange} change
 * @returns {{ name: string, label: string, before: string, after: string }[]}
 */
export function describeFieldChanges(change) {
    return Object.keys(change.values).map((name) => {
        const field = change.fields[name];
        return {
            name,
            label: field.string,
            before: formatChangeValue(field, change.original[name]),
            after: formatChangeValue(field, change.values[name]),
        };
    });
}
