import { describe, expect, test } from "@odoo/hoot";
import { queryAllTexts } from "@odoo/hoot-dom";
import { contains, fields, getService, models, onRpc } from "@web/../tests/web_test_helpers";
import { session } from "@web/session";
import { openNames } from "@offline_mode/core/crypto/read_cache_sealing";
import { ReadCacheStore } from "@offline_mode/core/read_cache/read_cache_store";
import { namesInRecords, searchNames } from "@offline_mode/core/record_names";
import {
    defineWebClientModels,
    goOfflineOnceStored,
    openInWebClient,
    waitFor,
    waitUntil,
} from "./offline_test_helpers";
import { setupOfflineMode, startOfflineMode, typeUntilOffered } from "./offline_edit_test_helpers";
import { testKeyring } from "./offline_key_test_helpers";

describe.current.tags("desktop");

describe("searching known names", () => {
    const known = [
        { id: 1, name: "Mitchell Admin" },
        { id: 6, name: "Marc Demo" },
        { id: 7, name: "Zoé Lemaître" },
        { id: 8, name: "Demo Portal User" },
    ];

    test("the text anywhere in the name, whatever the case and accents, sorted by name", () => {
        expect(searchNames(known, { name: "DEMO" })).toEqual([
            [8, "Demo Portal User"],
            [6, "Marc Demo"],
        ]);
        expect(searchNames(known, { name: "lemaitre" })).toEqual([[7, "Zoé Lemaître"]]);
        expect(searchNames(known, { name: "Zoe" })).toEqual([[7, "Zoé Lemaître"]]);
        expect(searchNames(known, { name: "ZOÉ" })).toEqual([[7, "Zoé Lemaître"]]);
        expect(searchNames(known, { name: "nobody" })).toEqual([]);
    });

    test("an empty text lists every record, up to the limit", () => {
        expect(searchNames(known, { name: "", limit: 2 })).toEqual([
            [8, "Demo Portal User"],
            [6, "Marc Demo"],
        ]);
    });

    test("a domain on ids is applied; a domain on other fields cannot be and keeps all", () => {
        expect(searchNames(known, { name: "demo", domain: [["id", "not in", [6]]] })).toEqual([
            [8, "Demo Portal User"],
        ]);
        expect(searchNames(known, { name: "demo", domain: [["share", "=", false]] })).toHaveLength(
            2
        );
        expect(
            searchNames(known, {
                name: "demo",
                domain: ["&", ["id", "!=", 8], ["active", "=", true]],
            })
        ).toHaveLength(2);
    });

    test("names found in answers: the records, their many2one values and x2many records", () => {
        const fieldsOf = (model) =>
            ({
                lead: {
                    user_id: { type: "many2one", relation: "res.users" },
                    tag_ids: { type: "many2many", relation: "crm.tag" },
                    stage_id: { type: "many2one", relation: "crm.stage" },
                },
            }[model]);
        const records = [
            {
                id: 3,
                display_name: "Office Design",
                user_id: { id: 6, display_name: "Marc Demo" },
                tag_ids: [{ id: 1, display_name: "Design", color: 3 }, { id: 2 }],
                stage_id: 4,
            },
            { id: 4, display_name: "Kiosk", user_id: false, tag_ids: [] },
        ];
        expect(namesInRecords("lead", records, fieldsOf)).toEqual([
            { model: "lead", id: 3, name: "Office Design" },
            { model: "res.users", id: 6, name: "Marc Demo" },
            { model: "crm.tag", id: 1, name: "Design" },
            { model: "lead", id: 4, name: "Kiosk" },
        ]);
    });
});

class Lead extends models.Model {
    name = fields.Char();
    user_id = fields.Many2one({ relation: "salesperson", string: "Salesperson" });
    tag_ids = fields.Many2many({ relation: "tag", string: "Tags" });
    expected_revenue = fields.Float({ string: "Expected Revenue" });

    _records = [
        { id: 1, name: "Office Design and Architecture", user_id: 2, expected_revenue: 9000 },
    ];
    _views = {
        form: `
            <form>
                <field name="name"/>
                <field name="user_id" domain="[('share', '=', False)]"/>
                <field name="tag_ids" widget="many2many_tags" options="{'color_field': 'color'}"/>
                <field name="expected_revenue"/>
            </form>`,
        search: `<search/>`,
    };
}

defineWebClientModels(Lead);

/** The lead's form opened online, nothing typed in it; then the network is cut. */
async function openLeadThenGoOffline() {
    const searches = [];
    onRpc("name_search", ({ model, kwargs }) => {
        searches.push({ model, name: kwargs.name, args: kwargs.args, limit: kwargs.limit });
    });
    setupOfflineMode({ online: true });
    await openInWebClient({
        type: "ir.actions.act_window",
        res_model: "lead",
        res_id: 1,
        views: [[false, "form"]],
    });
    await waitFor(".o_field_widget[name=user_id] input");
    await waitUntil(() => searches.length === 2);
    await getService("offline_local_copy").choicesPrefetched();
    await goOfflineOnceStored();
    return searches;
}

test("a form shown online fetches the first 200 choices of its relational fields, with their domain", async () => {
    const searches = await openLeadThenGoOffline();
    searches.sort((a, b) => a.model.localeCompare(b.model));
    expect(searches).toEqual([
        { model: "salesperson", name: "", args: [["share", "=", false]], limit: 200 },
        { model: "tag", name: "", args: [], limit: 200 },
    ]);
});

test("offline, a salesperson never typed online is offered, filtered as name_search does", async () => {
    await openLeadThenGoOffline();
    await typeUntilOffered("user_id", "marc", "Marc Demo");
    expect(queryAllTexts(".o-autocomplete--dropdown-item")).toEqual(["Marc Demo"]);
    expect(".o_m2o_dropdown_option_create, .o_m2o_dropdown_option_create_edit").toHaveCount(0);
    expect(".o_m2o_dropdown_option_search_more").toHaveCount(0);

    await typeUntilOffered("user_id", "LEMAITRE", "Zoé Lemaître");

    await typeUntilOffered("user_id", "Marc D", "Marc Demo");
    await contains(".o-autocomplete--dropdown-item:contains(Marc Demo)").click();
    await contains(".o_field_widget[name=expected_revenue] input").edit("15000");
    await contains(".o_form_button_save").click();
    await waitFor(".o_offline_mode_pending");
    const [change] = getService("offline_outbox").state.changes;
    expect(change.values).toEqual({
        user_id: { id: 6, display_name: "Marc Demo" },
        expected_revenue: 15000,
    });
});

test("offline, a field with a domain offers the choices fetched with it, not every record seen", async () => {
    await openLeadThenGoOffline();
    // Seen elsewhere, but outside the Salesperson's domain (a portal user): the server would refuse it.
    const readCache = getService("offline_read_cache");
    readCache.rememberNames([{ model: "salesperson", id: 9, name: "Marc Portal" }]);
    await readCache.flush();
    await typeUntilOffered("user_id", "marc", "Marc Demo");
    expect(queryAllTexts(".o-autocomplete--dropdown-item")).toEqual(["Marc Demo"]);
});

test("offline, a search with nothing known says so, without Create", async () => {
    await openLeadThenGoOffline();
    await contains(".o_field_widget[name=user_id] input").edit("Nobody", { confirm: false });
    await waitFor(".o_m2o_no_result");
    expect(queryAllTexts(".o-autocomplete--dropdown-item")).toEqual(["No records"]);
});

test("offline, tags are offered from what was seen, without Create", async () => {
    await openLeadThenGoOffline();
    await typeUntilOffered("tag_ids", "o", "Office");
    expect(queryAllTexts(".o-autocomplete--dropdown-item")).toEqual(["Office"]);
    expect(".o_m2o_dropdown_option_create").toHaveCount(0);
});

test("a tag chosen offline, never read online, shows its name", async () => {
    await openLeadThenGoOffline();
    await typeUntilOffered("tag_ids", "Off", "Office");
    await contains(".o-autocomplete--dropdown-item:contains(Office)").click();
    // The tag comes at once, its name once read from what this browser knows.
    await waitFor(".o_field_widget[name=tag_ids] .o_tag:contains(Office)");
    expect(queryAllTexts(".o_field_widget[name=tag_ids] .o_tag")).toEqual(["Office"]);
    expect(".o_notification").toHaveCount(0);
});

test("names seen are kept in the browser, for the next visits", async () => {
    await startOfflineMode({ online: true });
    const readCache = getService("offline_read_cache");
    readCache.rememberNames([
        { model: "salesperson", id: 6, name: "Marc Demo" },
        { model: "tag", id: 1, name: "Design" },
    ]);
    await readCache.flush();
    const store = new ReadCacheStore(`offline_mode:${session.db}:7`);
    // Kept sealed (see core/crypto/read_cache_sealing.js).
    const stored = await store.namesOf("salesperson");
    expect(await openNames(await testKeyring(), "salesperson", stored)).toEqual([
        { id: 6, name: "Marc Demo" },
    ]);
    await store.close();
});
