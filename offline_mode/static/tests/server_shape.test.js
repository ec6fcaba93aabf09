import { describe, expect, test } from "@odoo/hoot";
import {
    emptyServerValue,
    serverShapedRecord,
    serverShapedValue,
} from "@offline_mode/core/server_shape";

/**
 * Each expectation is what Odoo 18's web_read answers for that field type and
 * specification (web/models/models.py), with the specifications the relational
 * model builds (getFieldsSpec in web/static/src/model/relational_model/utils.js).
 */

const TAG_FIELDS = {
    display_name: { type: "char" },
    color: { type: "integer" },
    parent_id: { type: "many2one", relation: "tag" },
};
const fieldsOf = (model) => (model === "tag" ? TAG_FIELDS : undefined);
const M2O_SPEC = { fields: { display_name: {} }, context: {} };

describe("empty values", () => {
    test("char, text, html, selection, date, datetime, binary, boolean, many2one, reference, json: false", () => {
        const types = [
            "char",
            "text",
            "html",
            "selection",
            "date",
            "datetime",
            "binary",
            "boolean",
        ];
        for (const type of [...types, "many2one", "reference", "json"]) {
            expect(emptyServerValue(type)).toBe(false, { message: type });
        }
    });

    test("integer, float, monetary, many2one_reference: 0", () => {
        for (const type of ["integer", "float", "monetary", "many2one_reference"]) {
            expect(emptyServerValue(type)).toBe(0, { message: type });
        }
    });

    test("one2many, many2many, properties: an empty list", () => {
        for (const type of ["one2many", "many2many", "properties"]) {
            expect(emptyServerValue(type)).toEqual([], { message: type });
        }
    });
});

describe("values", () => {
    test("char, text and selection: the string, false when empty", () => {
        for (const type of ["char", "text", "selection"]) {
            expect(serverShapedValue({ type }, "won", {})).toBe("won");
            expect(serverShapedValue({ type }, "", {})).toBe(false);
        }
    });

    test("html: the markup as a string", () => {
        expect(serverShapedValue({ type: "html" }, "<p>Hi</p>", {})).toBe("<p>Hi</p>");
        expect(serverShapedValue({ type: "html" }, false, {})).toBe(false);
    });

    test("integer, float and monetary: numbers, 0 when empty", () => {
        expect(serverShapedValue({ type: "integer" }, 3, {})).toBe(3);
        expect(serverShapedValue({ type: "float" }, 2.5, {})).toBe(2.5);
        expect(serverShapedValue({ type: "monetary" }, 15000, {})).toBe(15000);
        expect(serverShapedValue({ type: "monetary" }, false, {})).toBe(0);
        expect(serverShapedValue({ type: "integer" }, 0, {})).toBe(0);
    });

    test("boolean: true or false", () => {
        expect(serverShapedValue({ type: "boolean" }, true, {})).toBe(true);
        expect(serverShapedValue({ type: "boolean" }, false, {})).toBe(false);
    });

    test("date and datetime: server strings, also from luxon dates", () => {
        expect(serverShapedValue({ type: "date" }, "2026-12-01", {})).toBe("2026-12-01");
        expect(serverShapedValue({ type: "datetime" }, "2026-12-01 09:30:00", {})).toBe(
            "2026-12-01 09:30:00"
        );
        const { DateTime } = luxon;
        expect(serverShapedValue({ type: "date" }, DateTime.fromISO("2026-12-01"), {})).toBe(
            "2026-12-01"
        );
        const utc = DateTime.fromISO("2026-12-01T09:30:00", { zone: "utc" });
        expect(serverShapedValue({ type: "datetime" }, utc, {})).toBe("2026-12-01 09:30:00");
    });

    test("many2one: { id, display_name } with sub-fields, the id without", () => {
        const value = { id: 6, display_name: "Marc Demo" };
        expect(serverShapedValue({ type: "many2one" }, value, M2O_SPEC)).toEqual(value);
        expect(serverShapedValue({ type: "many2one" }, value, {})).toBe(6);
        expect(serverShapedValue({ type: "many2one" }, false, M2O_SPEC)).toBe(false);
        // Only the sub-fields asked; those not known are empty, as typed in the comodel.
        const spec = { fields: { color: {}, parent_id: { fields: { display_name: {} } } } };
        expect(
            serverShapedValue({ type: "many2one", relation: "tag" }, value, spec, fieldsOf)
        ).toEqual({
            id: 6,
            color: 0,
            parent_id: false,
        });
    });

    test("many2many (tags): records with the sub-fields asked, ids without", () => {
        const field = { type: "many2many", relation: "tag" };
        const tags = [
            { id: 1, display_name: "Design", color: 3 },
            { id: 2, display_name: "Office" },
        ];
        const spec = { fields: { display_name: {}, color: {} }, context: {}, limit: undefined };
        expect(serverShapedValue(field, tags, spec, fieldsOf)).toEqual([
            { id: 1, display_name: "Design", color: 3 },
            { id: 2, display_name: "Office", color: 0 },
        ]);
        expect(serverShapedValue(field, tags, {})).toEqual([1, 2]);
        expect(serverShapedValue(field, [1, 2], {})).toEqual([1, 2]);
        expect(serverShapedValue(field, false, spec)).toEqual([]);
        // Past the limit, the server sends ids alone.
        expect(serverShapedValue(field, tags, { ...spec, limit: 1 }, fieldsOf)).toEqual([
            { id: 1, display_name: "Design", color: 3 },
            { id: 2 },
        ]);
    });

    test("one2many: like a many2many", () => {
        const field = { type: "one2many", relation: "tag" };
        const spec = { fields: { display_name: {} }, limit: 40 };
        expect(serverShapedValue(field, [{ id: 4, display_name: "Line" }], spec, fieldsOf)).toEqual(
            [{ id: 4, display_name: "Line" }]
        );
        expect(serverShapedValue(field, [], spec)).toEqual([]);
        expect(serverShapedValue(field, undefined, spec)).toEqual([]);
    });

    test("binary: the value as read (a size with bin_size), false when empty", () => {
        expect(serverShapedValue({ type: "binary" }, "12.5 Kb", {})).toBe("12.5 Kb");
        expect(serverShapedValue({ type: "binary" }, false, {})).toBe(false);
    });

    test("properties: the list of properties, an empty list when empty", () => {
        const properties = [{ name: "a1", type: "char", string: "Size", value: "XL" }];
        expect(serverShapedValue({ type: "properties" }, properties, {})).toEqual(properties);
        expect(serverShapedValue({ type: "properties" }, false, {})).toEqual([]);
    });

    test("reference: 'model,id' without sub-fields, { id: { id, model }, ... } with", () => {
        const field = { type: "reference" };
        expect(serverShapedValue(field, "tag,3", {})).toBe("tag,3");
        expect(serverShapedValue(field, "tag,3", M2O_SPEC, fieldsOf)).toEqual({
            id: { id: 3, model: "tag" },
            display_name: false,
        });
        const read = { id: { id: 3, model: "tag" }, display_name: "Design" };
        expect(serverShapedValue(field, read, M2O_SPEC, fieldsOf)).toEqual(read);
        expect(serverShapedValue(field, read, {})).toBe("tag,3");
    });

    test("many2one_reference: the id", () => {
        expect(serverShapedValue({ type: "many2one_reference" }, 42, {})).toBe(42);
        expect(serverShapedValue({ type: "many2one_reference" }, false, {})).toBe(0);
    });

    test("unknown descriptions: guessed from the specification the views build", () => {
        expect(serverShapedValue(undefined, false, { fields: {}, limit: 40 })).toEqual([]);
        expect(serverShapedValue(undefined, [{ id: 1 }], { fields: {}, limit: 40 })).toEqual([
            { id: 1 },
        ]);
        expect(serverShapedValue(undefined, { id: 6, display_name: "Marc" }, M2O_SPEC)).toEqual({
            id: 6,
            display_name: "Marc",
        });
        expect(serverShapedValue(undefined, false, M2O_SPEC)).toBe(false);
    });
});

test("a record has every field of the specification, and no other", () => {
    const fields = {
        name: { type: "char" },
        user_id: { type: "many2one", relation: "res.users" },
        tag_ids: { type: "many2many", relation: "tag" },
        expected_revenue: { type: "monetary" },
        priority: { type: "selection" },
        date_deadline: { type: "date" },
        properties: { type: "properties" },
        color: { type: "integer" },
        description: { type: "html" },
    };
    const specification = {
        name: {},
        user_id: M2O_SPEC,
        tag_ids: { fields: { display_name: {}, color: {} }, context: {}, limit: undefined },
        expected_revenue: {},
        priority: {},
        date_deadline: {},
        properties: {},
        color: {},
        description: {},
    };
    const record = serverShapedRecord(
        -3,
        { name: "Kiosk", user_id: { id: 6, display_name: "Marc Demo" }, hidden: "left out" },
        fields,
        specification,
        fieldsOf
    );
    expect(record).toEqual({
        id: -3,
        name: "Kiosk",
        user_id: { id: 6, display_name: "Marc Demo" },
        tag_ids: [],
        expected_revenue: 0,
        priority: false,
        date_deadline: false,
        properties: [],
        color: 0,
        description: false,
    });
});
