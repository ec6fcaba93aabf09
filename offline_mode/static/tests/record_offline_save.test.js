import { describe, expect, test } from "@odoo/hoot";
import { waitFor, waitUntil } from "@odoo/hoot-dom";
import { animationFrame, mockFetch } from "@odoo/hoot-mock";
import {
    contains,
    fields,
    getService,
    MockServer,
    models,
    mountView,
} from "@web/../tests/web_test_helpers";
import {
    cutNetwork,
    defineWebClientModels,
    goOffline,
    goOfflineOnceStored,
} from "./offline_test_helpers";
import { startOfflineMode, typeUntilOffered } from "./offline_edit_test_helpers";

describe.current.tags("desktop");

class Partner extends models.Model {
    name = fields.Char();
    phone = fields.Char();
    user_id = fields.Many2one({ relation: "salesperson", string: "Salesperson" });
    child_ids = fields.One2many({ relation: "partner", string: "Contacts" });
    score = fields.Float({ string: "Score", readonly: true, default: 0.5 });

    _records = [
        { id: 1, name: "Azure Interior", phone: "+1 555 0100", user_id: 2 },
        { id: 2, name: "Deco Addict", phone: "+1 555 0200", user_id: 2 },
    ];
}

defineWebClientModels(Partner);

const FORM = `
    <form>
        <field name="name"/>
        <field name="phone"/>
        <field name="user_id"/>
        <field name="child_ids"><list><field name="name"/></list></field>
    </form>`;

/** The forms of both partners opened online (the read cache stores them), then the network cut. */
async function openFormThenGoOffline() {
    const offlineMode = await startOfflineMode({ online: true });
    await mountView({ type: "form", resModel: "partner", resId: 2, resIds: [1, 2], arch: FORM });
    await contains(".o_pager_previous").click();
    await waitFor(".o_field_widget[name=name] input:value(Azure Interior)", { timeout: 2000 });
    await goOfflineOnceStored();
    return offlineMode;
}

test("a form saved offline queues the change with the values seen before, and shows it saved", async () => {
    await openFormThenGoOffline();
    await contains(".o_field_widget[name=phone] input").edit("+1 555 0199");
    await contains(".o_form_button_save").click();
    await waitFor(".o_form_status_indicator .o_offline_mode_pending", { timeout: 2000 });

    const [change] = getService("offline_outbox").state.changes;
    expect(change.operation).toBe("write");
    expect(change.resId).toBe(1);
    expect(change.values).toEqual({ phone: "+1 555 0199" });
    expect(change.original).toEqual({ phone: "+1 555 0100" });
    expect(change.recordName).toBe("Azure Interior");
    expect(".o_form_status_indicator_buttons").toHaveClass("invisible");
    expect(".o_field_widget[name=phone] input").toHaveValue("+1 555 0199");
});

test("a second save of the record merges into its queued change", async () => {
    await openFormThenGoOffline();
    await contains(".o_field_widget[name=phone] input").edit("+1 555 0199");
    await contains(".o_form_button_save").click();
    await waitFor(".o_offline_mode_pending", { timeout: 2000 });
    await contains(".o_field_widget[name=name] input").edit("Azure Interior (HQ)");
    await contains(".o_form_button_save").click();
    const outbox = getService("offline_outbox").state;
    await waitUntil(() => outbox.changes[0].values.name, { timeout: 2000 });
    const changes = outbox.changes;
    expect(changes).toHaveLength(1);
    expect(changes[0].values).toEqual({ phone: "+1 555 0199", name: "Azure Interior (HQ)" });
    expect(changes[0].original).toEqual({ phone: "+1 555 0100", name: "Azure Interior" });
});

test("the record reopened offline shows its pending values (the local copy)", async () => {
    await openFormThenGoOffline();
    await contains(".o_field_widget[name=phone] input").edit("+1 555 0199");
    await contains(".o_form_button_save").click();
    await waitFor(".o_offline_mode_pending", { timeout: 2000 });
    // Next record and back: both loads come from the read cache.
    await contains(".o_pager_next").click();
    await waitFor(".o_field_widget[name=name] input:value(Deco Addict)", { timeout: 2000 });
    await contains(".o_pager_previous").click();
    await waitFor(".o_field_widget[name=name] input:value(Azure Interior)", { timeout: 2000 });
    expect(".o_field_widget[name=phone] input").toHaveValue("+1 555 0199");
    expect(".o_offline_mode_pending").toHaveCount(1);
});

test("offline, fields whose changes cannot be queued are read-only, with a hint", async () => {
    await openFormThenGoOffline();
    expect(".o_field_widget[name=child_ids]").toHaveAttribute(
        "data-tooltip",
        "Not editable offline"
    );
    expect(".o_field_widget[name=child_ids] .o_field_x2many_list_row_add").toHaveCount(0);
    expect(".o_field_widget[name=phone]").not.toHaveAttribute("data-tooltip");
    expect(".o_field_widget[name=phone] input").toHaveCount(1);
});

test("a many2one is picked offline among the records its autocompletion found online", async () => {
    await startOfflineMode({ online: true });
    await mountView({ type: "form", resModel: "partner", resId: 1, arch: FORM });
    await typeUntilOffered("user_id", "Marc", "Marc Demo");
    await contains(".o_field_widget[name=user_id] input").press("Escape");
    await goOfflineOnceStored();

    // A search never made online: answered from the names seen.
    await typeUntilOffered("user_id", "arc", "Marc Demo");
    await contains(".o-autocomplete--dropdown-item:contains(Marc Demo)").click();
    await contains(".o_form_button_save").click();
    await waitFor(".o_offline_mode_pending", { timeout: 2000 });
    const [change] = getService("offline_outbox").state.changes;
    expect(change.values).toEqual({ user_id: { id: 6, display_name: "Marc Demo" } });
    expect(change.original).toEqual({ user_id: { id: 2, display_name: "Mitchell Admin" } });
});

test("a row of an editable list saved offline is queued and marked", async () => {
    await startOfflineMode({ online: true });
    await mountView({
        type: "list",
        resModel: "partner",
        arch: `<list editable="bottom"><field name="name"/><field name="phone"/></list>`,
    });
    await goOfflineOnceStored();

    await contains(".o_data_row:eq(1) .o_data_cell[name=phone]").click();
    await contains(".o_data_row:eq(1) .o_field_widget[name=phone] input").edit("+1 555 0299", {
        confirm: false,
    });
    await contains(".o_list_button_save").click();
    await waitFor(".o_data_row:eq(1) .o_offline_mode_pending", { timeout: 2000 });
    const [change] = getService("offline_outbox").state.changes;
    expect(change.resId).toBe(2);
    expect(change.values).toEqual({ phone: "+1 555 0299" });
    expect(change.original).toEqual({ phone: "+1 555 0200" });
    expect(".o_data_row:eq(0) .o_offline_mode_pending").toHaveCount(0);
});

test("offline, New only works for models whose new-record defaults were fetched online", async () => {
    const { setOnline } = await openFormThenGoOffline();
    expect(".o_form_button_create").toHaveClass("o_offline_mode_new_unavailable");
    expect(".o_form_button_create").toHaveAttribute(
        "data-tooltip",
        "Not available offline: no record of this kind was created in this browser while online."
    );
    await contains(".o_form_button_create").click();
    expect(".o_notification").toHaveText(
        "Not available offline: no record of this kind was created in this browser while online."
    );
    expect(".o_field_widget[name=name] input").toHaveValue("Azure Interior");

    setOnline(true);
    await animationFrame();
    expect(".o_form_button_create").not.toHaveClass("o_offline_mode_new_unavailable");
});

/**
 * A new record's form opened online (its defaults came from the server), then
 * the network cut, "Gemini Furniture" typed as its name and saved: the change queued.
 */
async function createGeminiOffline(arch) {
    await startOfflineMode({ online: true });
    await mountView({ type: "form", resModel: "partner", arch });
    await waitUntil(() => getService("offline_outbox").state.modelsWithDefaults.has("partner"), {
        timeout: 2000,
    });
    await goOffline();

    await contains(".o_field_widget[name=name] input").edit("Gemini Furniture");
    await contains(".o_form_button_save").click();
    await waitFor(".o_offline_mode_pending", { timeout: 2000 });
    const [change] = getService("offline_outbox").state.changes;
    return change;
}

test("a record created offline gets a local id and is queued as a creation", async () => {
    const change = await createGeminiOffline(FORM);
    expect(change.operation).toBe("create");
    expect(change.resId).toBeLessThan(0);
    expect(change.values.name).toBe("Gemini Furniture");
    expect(change.recordName).toBe("Gemini Furniture");
    expect(".o_breadcrumb .active").toHaveText("Gemini Furniture");
});

test("a new record's online save carries its creation uuid, kept when its answer is lost", async () => {
    await startOfflineMode({ online: true });
    await mountView({ type: "form", resModel: "partner", arch: FORM });
    const sent = [];
    mockFetch(async (input, init) => {
        const response = await MockServer.current.handle(input, init);
        if (String(input).includes("/web_save")) {
            // The server made the record; its answer never arrives.
            sent.push(JSON.parse(init.body).params.kwargs.context.offline_mode_creation);
            cutNetwork();
            throw new TypeError("Failed to fetch");
        }
        return response;
    });

    await contains(".o_field_widget[name=name] input").edit("Gemini Furniture");
    await contains(".o_form_button_save").click();
    await waitFor(".o_offline_mode_pending", { timeout: 2000 });
    const [change] = getService("offline_outbox").state.changes;
    expect(sent).toHaveLength(1);
    expect(sent[0].uuid).toMatch(/^[0-9a-f]{32}$/);
    expect(sent[0].client_id).toBeOfType("string");
    expect(change.operation).toBe("create");
    expect(change.uuid).toBe(sent[0].uuid);
});

test("a creation offline leaves out the fields the server computes (read-only, kept by force_save)", async () => {
    const change = await createGeminiOffline(
        `<form><field name="name"/><field name="score" force_save="1"/></form>`
    );
    expect(Object.keys(change.values)).toEqual(["name"]);
});
