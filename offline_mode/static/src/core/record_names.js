/**
 * Names of records, for relational fields offline: which records an answer
 * names (the record itself, its many2one values, the records of its x2many
 * values), and a search among known names that matches the way `name_search`
 * does (the text anywhere in the name, whatever the case and accents).
 *
 * Pure functions; `fieldsOf(model)` gives the field descriptions of a model
 * (see server_shape.js).
 */

import { Domain } from "@web/core/domain";
import { unaccent } from "@web/core/utils/strings";

/**
 * The names an answer holds: `{ model, id, name }` for each record of `model`
 * with a display name, and for each related record with one.
 *
 * @param {string} model
 * @param {Object[]} records as web_read / web_search_read answer them
 * @param {import("./server_shape").FieldsOf} fieldsOf
 * @returns {Array<{ model: string, id: number, name: string }>}
 */
export function namesInRecords(model, records, fieldsOf) {
    const found = [];
    const visit = (recordModel, record) => {
        if (!record || typeof record !== "object" || typeof record.id !== "number") {
            return;
        }
        if (typeof record.display_name === "string" && record.display_name) {
            found.push({ model: recordModel, id: record.id, name: record.display_name });
        }
        const fields = fieldsOf(recordModel) || {};
        for (const [name, value] of Object.entries(record)) {
            const relation = fields[name]?.relation;
            if (!relation || !value) {
                continue;
            }
            for (const related of Array.isArray(value) ? value : [value]) {
                visit(relation, related);
            }
        }
    };
    for (const record of records) {
        visit(model, record);
    }
    return found;
}

function comparable(text) {
    return unaccent(text.normalize("NFC"), false);
}

/** Whether a domain is empty or only on ids: the browser can check it on any record it knows. */
export function isOnIdsOnly(domain) {
    return (
        !domain ||
        (Array.isArray(domain) &&
            domain.every(
                (term) => typeof term === "string" || (Array.isArray(term) && term[0] === "id")
            ))
    );
}

/**
 * Which known records a domain keeps. Only a domain on ids alone can be
 * checked in the browser (the tags already chosen, for instance); any other
 * keeps every record: the server checks the value on sync.
 */
function domainFilter(domain) {
    if (!isOnIdsOnly(domain) || !domain?.length) {
        return () => true;
    }
    const compiled = new Domain(domain);
    return (record) => compiled.contains({ id: record.id });
}

/**
 * The known records whose name contains `name`, case- and accent-insensitive,
 * sorted by name, as `name_search` answers: `[id, name]` pairs.
 *
 * @param {Array<{ id: number, name: string }>} known
 * @param {{ name?: string, domain?: Array, limit?: number }} search
 * @returns {Array<[number, string]>}
 */
export function searchNames(known, { name = "", domain = [], limit = 100 }) {
    const text = comparable(name);
    const keptByDomain = domainFilter(domain);
    return known
        .filter((record) => comparable(record.name).includes(text) && keptByDomain(record))
        .sort((a, b) => a.name.localeCompare(b.name))
        .slice(0, limit)
        .map((record) => [record.id, record.name]);
}
