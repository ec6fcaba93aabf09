/**
 * A change's values as the pending changes list and the conflict dialog show
 * them: formatted the way the views format them, from what the change kept of
 * its fields (core/offline_change.js, FieldInfo), without the view.
 *
 * Plain text only, never markup: an html value is read through an inert
 * document, and long texts are cut to one short line.
 */

import { _t } from "@web/core/l10n/translation";
import { deserializeDate, deserializeDateTime } from "@web/core/l10n/dates";
import {
    formatDate,
    formatDateTime,
    formatFloat,
    formatInteger,
    formatMany2one,
    formatMonetary,
    formatSelection,
} from "@web/views/fields/formatters";

/** Long texts are cut in lists and tooltips. */
const MAX_SHOWN_LENGTH = 80;

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
 * @param {import("../../core/offline_change").FieldInfo} field
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
 * @param {import("../../core/offline_change").OfflineChange} change
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
