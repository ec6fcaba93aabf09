import { expect, test } from "@odoo/hoot";
import { contains, fields, models, onRpc } from "@web/../tests/web_test_helpers";
import {
    defineWebClientTestSetup,
    goOfflineOnceStored,
    openInWebClient,
    waitFor,
} from "./offline_test_helpers";

/** A reporting model whose rows open through a method, as Sales' analysis opens the order. */
class OrderLineReport extends models.Model {
    name = fields.Char();

    _records = [{ id: 1, name: "S00021" }];
    _views = {
        list: `<list action="action_open_order" type="object"><field name="name"/></list>`,
        search: `<search/>`,
    };
}

defineWebClientTestSetup(OrderLineReport);

test("offline, a row that opens through a method says it needs the server", async () => {
    onRpc("order.line.report", "action_open_order", () => expect.step("method called"));
    await openInWebClient({
        type: "ir.actions.act_window",
        res_model: "order.line.report",
        views: [[false, "list"]],
    });
    await goOfflineOnceStored();
    await contains(".o_data_row .o_data_cell").click();
    await waitFor(".o_notification:contains(This needs a connection to the server)");
    expect.verifySteps([]);
});

test("online, the row opens what its method returns", async () => {
    // Project's rows open their tasks this way, with embedded actions.
    onRpc("order.line.report", "action_open_order", () => {
        expect.step("method called");
        return {
            type: "ir.actions.act_window",
            res_model: "order.line.report",
            views: [[false, "list"]],
            embedded_action_ids: [],
            name: "Opened by its method",
        };
    });
    await openInWebClient({
        type: "ir.actions.act_window",
        res_model: "order.line.report",
        views: [[false, "list"]],
    });
    await contains(".o_data_row .o_data_cell").click();
    await waitFor(".o_breadcrumb:contains(Opened by its method)");
    expect.verifySteps(["method called"]);
});
