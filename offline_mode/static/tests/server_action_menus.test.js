import { expect, test } from "@odoo/hoot";
import { queryAllTexts } from "@odoo/hoot-dom";
import {
    defineActions,
    fields,
    getService,
    makeMockEnv,
    models,
    mountWithCleanup,
    onRpc,
} from "@web/../tests/web_test_helpers";
import { rpc } from "@web/core/network/rpc";
import { WebClient } from "@web/webclient/webclient";
import { NotAvailableOfflineError } from "@offline_mode/core/read_cache/read_cache_service";
import {
    defineAppMenus,
    defineWebClientTestSetup,
    goBackOnline,
    goOffline,
    goOfflineOnceStored,
    storedEntries,
    waitFor,
    waitUntil,
} from "./offline_test_helpers";

class Lead extends models.Model {
    name = fields.Char();

    _records = [
        { id: 1, name: "Office Design and Architecture" },
        { id: 2, name: "Kiosk deal" },
    ];
    _views = {
        list: `<list><field name="name"/></list>`,
        search: `<search/>`,
    };
}

defineWebClientTestSetup(Lead);

const PIPELINE = {
    id: 1,
    name: "Pipeline",
    res_model: "lead",
    type: "ir.actions.act_window",
    views: [[false, "list"]],
    data_caching: true,
};
defineActions([
    PIPELINE,
    { id: 20, name: "My Pipeline", type: "ir.actions.server" },
    { id: 21, name: "Other server action", type: "ir.actions.server" },
]);

defineAppMenus({ id: 10, name: "CRM", actionID: 20, xmlid: "app_crm" }, [
    { id: 11, name: "My Pipeline", actionID: 20, xmlid: "menu_pipeline" },
    { id: 12, name: "Other", actionID: 21, xmlid: "menu_other" },
]);

let pipelineCaching = true;
/** The parameters of each server action run that reached the server. */
let runs = [];

function serveServerActions() {
    pipelineCaching = true;
    runs = [];
    onRpc("/web/action/run", async (request) => {
        const { params } = await request.json();
        runs.push(params);
        return params.action_id === 20 ? { ...PIPELINE, data_caching: pipelineCaching } : false;
    });
}

async function openPipelineThenGoOffline() {
    serveServerActions();
    await mountWithCleanup(WebClient);
    await getService("menu").selectMenu(11);
    await waitFor(".o_list_view .o_data_row");
    await goOfflineOnceStored();
}

test("a menu running a server action reopens offline the window action it returned online", async () => {
    await openPipelineThenGoOffline();
    await waitFor(".o_menu_sections [data-menu-xmlid=menu_other].o_offline_unavailable");
    expect(".o_menu_sections [data-menu-xmlid=menu_pipeline]").not.toHaveClass(
        "o_offline_unavailable"
    );

    await getService("menu").selectMenu(11);
    await waitFor(".o_list_view .o_data_row");
    expect(queryAllTexts(".o_data_row .o_data_cell[name=name]")).toEqual([
        "Office Design and Architecture",
        "Kiosk deal",
    ]);
    expect(".o_error_dialog").toHaveCount(0);
});

test("offline, both requests of the menu are served, as after a restart", async () => {
    await openPipelineThenGoOffline();
    const [run] = runs;
    expect(await rpc("/web/action/run", run)).toEqual(PIPELINE);
    await expect(rpc("/web/action/run", { ...run, action_id: 21 })).rejects.toThrow(
        NotAvailableOfflineError
    );
    expect(runs).toHaveLength(1);
    expect(await storedTags()).toInclude("action:20");
});

test("server actions run on records are never replayed offline", async () => {
    serveServerActions();
    await makeMockEnv();
    await rpc("/web/action/run", {
        action_id: 20,
        context: { active_id: 1, active_ids: [1], active_model: "lead" },
    });
    await goOfflineOnceStored();
    await expect(
        rpc("/web/action/run", {
            action_id: 20,
            context: { active_id: 1, active_ids: [1], active_model: "lead" },
        })
    ).rejects.toThrow();
});

test("when the window action's data caching is switched off, the server action's menu is unavailable", async () => {
    await openPipelineThenGoOffline();
    await goBackOnline();
    pipelineCaching = false;
    await rpc("/web/action/run", runs[0]);
    await waitUntil(async () => !(await storedTags()).includes("action:20"));
    await goOffline();
    await waitFor(".o_menu_sections [data-menu-xmlid=menu_pipeline].o_offline_unavailable");
    expect(".o_menu_sections [data-menu-xmlid=menu_pipeline]").toHaveAttribute(
        "data-tooltip",
        "Not available offline"
    );
});

async function storedTags() {
    return (await storedEntries()).flatMap((entry) => entry.tags);
}
