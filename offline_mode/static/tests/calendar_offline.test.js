import { expect, test } from "@odoo/hoot";
import { contains, defineActions, fields, models } from "@web/../tests/web_test_helpers";
import {
    defineWebClientTestSetup,
    goOfflineOnceStored,
    openInWebClient,
    waitFor,
} from "./offline_test_helpers";

class Meeting extends models.Model {
    name = fields.Char();
    start = fields.Datetime();

    _records = [{ id: 1, name: "Stand-up", start: "2019-03-12 09:00:00" }];

    has_access() {
        return true;
    }
    _views = {
        list: `<list><field name="name"/><field name="start"/></list>`,
        calendar: `<calendar date_start="start" mode="month"><field name="name"/></calendar>`,
        kanban: `<kanban><templates><t t-name="card"><field name="name"/></t></templates></kanban>`,
        search: `<search/>`,
    };
}

defineWebClientTestSetup(Meeting);

defineActions([
    {
        id: 1,
        name: "Meetings",
        res_model: "meeting",
        type: "ir.actions.act_window",
        context: { initial_date: "2019-03-12 10:00:00" },
        views: [
            [false, "list"],
            [false, "calendar"],
            [false, "kanban"],
        ],
    },
]);

test("a calendar opened online keeps its view switcher available offline", async () => {
    await openInWebClient(1);
    await waitFor(".o_list_view .o_data_row");
    await contains(".o_switch_view.o_calendar").click();
    await waitFor(".o_calendar_view .fc-event");
    await contains(".o_switch_view.o_list").click();
    await waitFor(".o_list_view .o_data_row");
    await goOfflineOnceStored();

    // Opened online: available. The kanban never was: grayed out.
    await waitFor(".o_switch_view.o_kanban.o_offline_unavailable");
    expect(".o_switch_view.o_calendar").not.toHaveClass("o_offline_unavailable");
    await contains(".o_switch_view.o_calendar").click();
    await waitFor(".o_calendar_view .fc-event");
    expect(".o_error_dialog").toHaveCount(0);
});
