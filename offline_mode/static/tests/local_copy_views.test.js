import { expect, test } from "@odoo/hoot";
import { queryAllTexts } from "@odoo/hoot-dom";
import {
    contains,
    defineActions,
    fields,
    getService,
    models,
} from "@web/../tests/web_test_helpers";
import {
    defineWebClientTestSetup,
    goOfflineOnceStored,
    openInWebClient,
    waitFor,
    waitUntil,
    windowAction,
} from "./offline_test_helpers";

class Lead extends models.Model {
    name = fields.Char();
    user_id = fields.Many2one({ relation: "salesperson", string: "Salesperson" });
    tag_ids = fields.Many2many({ relation: "tag", string: "Tags" });
    line_ids = fields.One2many({ relation: "tag", string: "Lines" });
    expected_revenue = fields.Float({ string: "Expected Revenue" });
    priority = fields.Selection({
        selection: [
            ["0", "Low"],
            ["1", "High"],
        ],
    });
    date_deadline = fields.Date({ string: "Deadline" });
    color = fields.Integer();

    _records = [{ id: 1, name: "Office Design", user_id: 2, tag_ids: [1], expected_revenue: 9000 }];
    _views = {
        list: `
            <list>
                <field name="name"/>
                <field name="user_id"/>
                <field name="tag_ids" widget="many2many_tags" options="{'color_field': 'color'}"/>
                <field name="expected_revenue"/>
                <field name="priority"/>
                <field name="date_deadline"/>
            </list>`,
        kanban: `
            <kanban>
                <templates><t t-name="card">
                    <field name="name"/>
                    <field name="tag_ids" widget="many2many_tags"/>
                    <field name="user_id"/>
                    <field name="color"/>
                </t></templates>
            </kanban>`,
        // The quick form of a new lead: no tags, no lines.
        form: `<form><field name="name"/><field name="expected_revenue"/></form>`,
        "form,2": `
            <form>
                <field name="name"/>
                <field name="tag_ids" widget="many2many_tags"/>
                <field name="line_ids"><list><field name="name"/></list></field>
                <field name="user_id"/>
                <field name="priority"/>
                <field name="expected_revenue"/>
            </form>`,
        search: `<search><field name="name"/></search>`,
    };
}

defineWebClientTestSetup(Lead);

defineActions([
    windowAction(1, "Pipeline", "lead", ["list", "kanban", "form"]),
    windowAction(2, "Pipeline (full form)", "lead", ["list", "kanban", [2, "form"]]),
]);

/** Online: the list, the kanban and a new lead's form (its defaults) are opened; then the network is cut. */
async function openViewsThenGoOffline(actionId = 1) {
    await openInWebClient(actionId);
    await waitFor(".o_list_view .o_data_row");
    await contains(".o_switch_view.o_kanban").click();
    await waitFor(".o_kanban_record:not(.o_kanban_ghost)");
    await contains(".o_switch_view.o_list").click();
    await waitFor(".o_list_view .o_data_row");
    await contains(".o_list_button_add").click();
    await waitFor(".o_form_view .o_field_widget[name=name] input");
    await waitUntil(() => getService("offline_outbox").state.modelsWithDefaults.has("lead"));
    await contains(".o_breadcrumb .o_back_button a, .breadcrumb-item a").click();
    await waitFor(".o_list_view .o_data_row");
    await goOfflineOnceStored();
}

async function createLeadOffline(name) {
    await contains(".o_list_button_add").click();
    await waitFor(".o_form_view .o_field_widget[name=name] input");
    await contains(".o_field_widget[name=name] input").edit(name);
    await contains(".o_form_button_save").click();
    await waitFor(".o_form_view .o_offline_mode_pending");
}

test("back to the list and the kanban after creating a record offline: shown like the others", async () => {
    await openViewsThenGoOffline();
    await createLeadOffline("Kiosk deal");

    await contains(".o_breadcrumb .o_back_button a, .breadcrumb-item a").click();
    await waitFor(".o_list_view .o_data_row:contains(Kiosk deal)");
    expect(".o_error_dialog").toHaveCount(0);
    expect(queryAllTexts(".o_data_row .o_data_cell[name=name]")).toEqual([
        "Kiosk deal",
        "Office Design",
    ]);
    expect(".o_data_row:eq(0) .o_data_cell[name=tag_ids] .o_tag").toHaveCount(0);
    expect(".o_data_row:eq(1) .o_data_cell[name=tag_ids] .o_tag").toHaveText("Design");

    await contains(".o_switch_view.o_kanban").click();
    await waitFor(".o_kanban_record:contains(Kiosk deal)");
    expect(".o_error_dialog").toHaveCount(0);
});

test("a record created offline reopens in its form, with its static lists", async () => {
    await openViewsThenGoOffline(2);
    await createLeadOffline("Kiosk deal");
    await contains(".o_breadcrumb .o_back_button a, .breadcrumb-item a").click();
    await contains(".o_data_row:contains(Kiosk deal) .o_data_cell[name=name]").click();
    await waitFor(".o_form_view .o_field_widget[name=name] input");
    expect(".o_field_widget[name=name] input").toHaveValue("Kiosk deal");
    expect(".o_field_widget[name=line_ids] .o_data_row").toHaveCount(0);
    expect(".o_error_dialog").toHaveCount(0);
});

test("an edited record keeps the server's shape in lists (tags, many2one, numbers)", async () => {
    await openInWebClient(2);
    await contains(".o_data_row .o_data_cell[name=name]").click();
    await waitFor(".o_form_view .o_field_widget[name=name] input");
    await contains(".o_breadcrumb .o_back_button a, .breadcrumb-item a").click();
    await waitFor(".o_list_view .o_data_row");
    await goOfflineOnceStored();

    await contains(".o_data_row .o_data_cell[name=name]").click();
    await waitFor(".o_form_view .o_field_widget[name=name] input");
    await contains(".o_field_widget[name=tag_ids] .o_delete").click();
    await contains(".o_field_widget[name=expected_revenue] input").edit("15000");
    await contains(".o_form_button_save").click();
    await waitFor(".o_form_view .o_offline_mode_pending");
    await contains(".o_breadcrumb .o_back_button a, .breadcrumb-item a").click();
    await waitFor(".o_list_view .o_data_row .o_offline_mode_pending");
    expect(".o_data_row .o_data_cell[name=tag_ids] .o_tag").toHaveCount(0);
    expect(".o_data_row .o_data_cell[name=expected_revenue]").toHaveText("15,000.00");
    expect(".o_data_row .o_data_cell[name=user_id]").toHaveText("Mitchell Admin");
    expect(".o_error_dialog").toHaveCount(0);
});
