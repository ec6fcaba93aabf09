/**
 * A change made offline, as the browser keeps it: the one definition of its
 * format on this side (the server's is offline_mode/sync/change.py).
 *
 * Values are kept the way `web_read` returns them (a many2one as
 * `{ id, display_name }`, a many2many as a list of `{ id, display_name, ... }`,
 * dates as server strings), so that they can be shown, formatted and laid over
 * cached answers. Around this format: record_values.js reads a change's values
 * from a record of the web client, sync_payload.js turns a change into what
 * `/offline_mode/sync` takes, webclient/offline_changes/change_display.js
 * shows it as text.
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

import { serializeDateTime } from "@web/core/l10n/dates";

export const CREATE = "create";
export const WRITE = "write";
export const UNLINK = "unlink";
export const ARCHIVE = "archive";
export const UNARCHIVE = "unarchive";

export const PENDING = "pending";
export const CONFLICT = "conflict";
export const REJECTED = "rejected";

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
