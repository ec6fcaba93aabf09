import { expect, test } from "@odoo/hoot";
import { hover, queryAll, queryAllTexts } from "@odoo/hoot-dom";
import {
    contains,
    defineActions,
    fields,
    getService,
    models,
    mountWithCleanup,
    onRpc,
    serverState,
} from "@web/../tests/web_test_helpers";
import { browser } from "@web/core/browser/browser";
import { Component, xml } from "@odoo/owl";
import { FileInput } from "@web/core/file_input/file_input";
import { ConnectionLostError } from "@web/core/network/rpc";
import { registry } from "@web/core/registry";
import { FileUploader } from "@web/views/fields/file_handler";
import { WebClient } from "@web/webclient/webclient";
import { offlineDatabaseName } from "@offline_mode/core/read_cache/read_cache_schema";
import {
    defineAppMenus,
    defineWebClientTestSetup,
    goOffline,
    goOfflineOnceStored,
    openInWebClient,
    restoreNetwork,
    storedEntries,
    waitFor,
    waitUntil,
    windowAction,
} from "./offline_test_helpers";

class Partner extends models.Model {
    name = fields.Char();
    city = fields.Char();

    _records = [
        { id: 1, name: "Azure Interior", city: "Fremont" },
        { id: 2, name: "Deco Addict", city: "Pleasant Hill" },
        { id: 3, name: "Gemini Furniture", city: "Fairfield" },
    ];
    _views = {
        list: `<list><field name="name"/><field name="city"/></list>`,
        kanban: `<kanban><templates><t t-name="card"><field name="name"/></t></templates></kanban>`,
        form: `
            <form>
                <header><button name="action_confirm" string="Confirm" type="object"/></header>
                <field name="name"/><field name="city"/>
            </form>`,
        search: `
            <search>
                <field name="name"/>
                <filter name="fremont" string="In Fremont" domain="[('city', '=', 'Fremont')]"/>
            </search>`,
    };
}

// For the calendar, whose events are read without the view's context (views/view_scope_patch.js).
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

defineWebClientTestSetup(Partner, Meeting);

defineActions([
    windowAction(1, "Partners", "partner", ["list", "kanban", "form"]),
    windowAction(2, "Partner cities", "partner", ["list"]),
    windowAction(3, "Live figures", "partner", ["list"], { data_caching: false }),
    windowAction(4, "Meetings", "meeting", ["list", "calendar", "kanban"], {
        context: { initial_date: "2019-03-12 10:00:00" },
    }),
]);

defineAppMenus({ id: 10, name: "Contacts", actionID: 1, xmlid: "app_contacts" }, [
    { id: 11, name: "Partners", actionID: 1, xmlid: "menu_partners" },
    { id: 12, name: "Cities", actionID: 2, xmlid: "menu_cities" },
    { id: 13, name: "Live figures", actionID: 3, xmlid: "menu_live" },
]);

async function openPartnersAndFirstForm() {
    await mountWithCleanup(WebClient);
    await getService("menu").selectMenu(11);
    await contains(".o_data_row:first .o_data_cell").click();
    await waitFor(".o_form_view .o_field_widget[name=name] input");
    await contains(".o_back_button a, .breadcrumb-item a").click();
    await waitFor(".o_list_view .o_data_row");
    await getService("offline_read_cache").flush();
}

test("the top bar says when the client works offline, instead of a Connection lost message", async () => {
    expect.errors(1);
    await openInWebClient(1);
    expect(".o_offline_mode_systray").toHaveCount(0);

    await goOffline();
    expect(".o_main_navbar .o_offline_mode_systray").toHaveText("Working offline");
    // A failure nobody caught: Odoo would say "Connection lost. Trying to reconnect...".
    Promise.reject(new ConnectionLostError("/web/dataset/call_button/partner/action_confirm"));
    await waitFor(".o_notification");
    expect.verifyErrors([/Connection to/]);
    expect(queryAllTexts(".o_notification")).toEqual([
        "This needs a connection to the server. Try again once you are back online.",
    ]);

    await contains(".o_offline_mode_systray_toggler").click();
    expect(".o_offline_mode_systray_dropdown").toHaveText(/The server cannot be reached since/);
    restoreNetwork();
    await contains(".o_offline_mode_retry").click();
    await waitUntil(() => !queryAll(".o_offline_mode_systray").length);
});

test("views and records opened online reopen offline; the others are grayed out", async () => {
    await openPartnersAndFirstForm();
    await getService("action").doAction(2);
    await waitFor(".o_list_view .o_data_row");
    await goOffline();

    // The partners are not on screen any more when the connection is lost.
    await getService("action").doAction(1);
    await waitFor(".o_list_view .o_data_row");
    expect(queryAllTexts(".o_data_row .o_data_cell[name=name]")).toEqual([
        "Azure Interior",
        "Deco Addict",
        "Gemini Furniture",
    ]);
    await waitUntil(() => queryAll(".o_data_row.o_offline_unavailable").length === 2);
    expect(".o_data_row:eq(1)").toHaveAttribute("data-tooltip", "Not available offline");

    await contains(".o_data_row:eq(1) .o_data_cell").click();
    expect(".o_list_view").toHaveCount(1);
    expect(".o_notification").toHaveText(/Not available offline/);

    await contains(".o_data_row:first .o_data_cell").click();
    await waitFor(".o_form_view .o_field_widget[name=name] input");
    expect(".o_form_view .o_field_widget[name=name] input").toHaveValue("Azure Interior");
    expect(".o_error_dialog").toHaveCount(0);
});

test("menus, views and buttons that cannot be served offline are grayed out", async () => {
    await openPartnersAndFirstForm();
    await goOffline();

    // Menus: "Partners" was opened, "Cities" and "Live figures" never were.
    await waitFor(".o_menu_sections .o_offline_unavailable");
    expect(".o_menu_sections [data-menu-xmlid=menu_partners]").not.toHaveClass(
        "o_offline_unavailable"
    );
    expect(".o_menu_sections [data-menu-xmlid=menu_cities]").toHaveClass("o_offline_unavailable");
    expect(".o_menu_sections [data-menu-xmlid=menu_cities]").toHaveAttribute(
        "data-tooltip",
        "Not available offline"
    );
    await contains(".o_menu_sections [data-menu-xmlid=menu_cities]").click();
    expect(".o_list_view").toHaveCount(1);

    // View switcher: the kanban view never showed data.
    await waitFor(".o_switch_view.o_kanban.o_offline_unavailable");
    await hover(".o_switch_view.o_kanban");
    expect(".o_switch_view.o_kanban").toHaveAttribute("data-tooltip", "Not available offline");
    expect(".o_switch_view.o_list").not.toHaveClass("o_offline_unavailable");

    // Buttons calling server methods.
    onRpc("/web/dataset/call_button/*", () => expect.step("call_button"));
    await contains(".o_data_row:first .o_data_cell").click();
    await waitFor(".o_form_view button[name=action_confirm].o_offline_unavailable");
    await contains("button[name=action_confirm]").click();
    expect(".o_notification:last").toHaveText(/needs a connection to the server/);
    expect.verifySteps([]);
});

test("a calendar opened online keeps its view switcher available offline", async () => {
    await openInWebClient(4);
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

test("offline, the Actions menu of a selection grays out what needs the server", async () => {
    await openPartnersAndFirstForm();
    await goOffline();
    await contains(".o_data_row:first .o_list_record_selector input").click();
    await contains(".o_cp_action_menus .dropdown-toggle:contains(Actions)").click();
    for (const label of ["Export", "Duplicate"]) {
        const item = `.o-dropdown--menu .o_menu_item:contains(${label})`;
        expect(item).toHaveClass("o_offline_unavailable");
        expect(item).toHaveAttribute("data-tooltip", "Not available offline");
    }
    expect(".o-dropdown--menu .o_menu_item:contains(Delete)").not.toHaveClass(
        "o_offline_unavailable"
    );
    await contains(".o-dropdown--menu .o_menu_item:contains(Duplicate)").click();
    expect(".o_notification:last").toHaveText(/needs a connection to the server/);
    expect(".o_data_row").toHaveCount(3);
});

test("an action with data caching off is never stored and unavailable offline", async () => {
    await mountWithCleanup(WebClient);
    await getService("menu").selectMenu(13);
    await waitFor(".o_list_view .o_data_row");
    await getService("offline_read_cache").flush();
    const stored = await storedEntries();
    expect(stored.filter(({ key }) => key.includes('"action_id":3')).length).toBe(0);
    expect(stored.filter(({ tags }) => tags.some((tag) => tag.startsWith("view:3:"))).length).toBe(
        0
    );
    await getService("menu").selectMenu(11);
    await waitFor(".o_list_view .o_data_row");
    await goOffline();
    await waitFor(".o_menu_sections [data-menu-xmlid=menu_live].o_offline_unavailable");
});

test("searches run online are listed offline and show their stored results", async () => {
    await openInWebClient(1);
    await waitFor(".o_list_view .o_data_row");
    await contains(".o_searchview_dropdown_toggler").click();
    await contains(".o_filter_menu .o_menu_item:contains(In Fremont)").click();
    await waitUntil(() => queryAll(".o_data_row").length === 1);
    await contains(".o_facet_remove").click();
    await waitUntil(() => queryAll(".o_data_row").length === 3);
    await goOfflineOnceStored();

    await contains(".o_searchview_input").click();
    await waitFor(".o_offline_mode_search");
    expect(queryAllTexts(".o_offline_mode_search")).toEqual(["In Fremont"]);
    await contains(".o_offline_mode_search").click();
    await waitUntil(() => queryAll(".o_data_row").length === 1);
    expect(".o_data_row .o_data_cell:first").toHaveText("Azure Interior");
    expect(".o_searchview_facet").toHaveText("In Fremont");
});

test("Prepare for offline stores the forms of the records of the list", async () => {
    await openInWebClient(1);
    await waitFor(".o_list_view .o_data_row");
    await contains(".o_user_menu button").click();
    await contains(".dropdown-item[data-menu=offline_mode_prepare]").click();
    await waitFor(".o_notification:contains(3 records are ready to be opened offline)", {
        timeout: 3000,
    });
    await goOffline();
    expect(".o_data_row.o_offline_unavailable").toHaveCount(0);
    await contains(".o_data_row:eq(2) .o_data_cell").click();
    await waitFor(".o_form_view .o_field_widget[name=name] input");
    expect(".o_form_view .o_field_widget[name=name] input").toHaveValue("Gemini Furniture");
});

async function offlineDatabaseExists() {
    const name = offlineDatabaseName(serverState.db, serverState.userId);
    return (await indexedDB.databases()).some((database) => database.name === name);
}

test("logging out deletes the user's offline data, after a warning if changes were not synced", async () => {
    let unsynced = 2;
    registry.category("offline_mode_user_data").add("test_outbox", {
        countUnsyncedChanges: async () => unsynced,
        deleteData: async () => expect.step("outbox deleted"),
    });
    await openPartnersAndFirstForm();
    expect(await offlineDatabaseExists()).toBe(true);

    await contains(".o_user_menu button").click();
    await contains(".dropdown-item[data-menu=logout]").click();
    await waitFor(".modal:contains(2 changes made offline have not reached the server yet)");
    await contains(".modal button:contains(Stay)").click();
    expect(await offlineDatabaseExists()).toBe(true);
    expect.verifySteps([]);

    unsynced = 0;
    await contains(".o_user_menu button").click();
    await contains(".dropdown-item[data-menu=logout]").click();
    await waitUntil(() => browser.location.href.endsWith("/web/session/logout"), { timeout: 2000 });
    expect(".modal").toHaveCount(0);
    expect(await offlineDatabaseExists()).toBe(false);
    expect.verifySteps(["outbox deleted"]);
});

test("choosing a file to upload offline is refused with a message", async () => {
    class Uploaders extends Component {
        static components = { FileInput, FileUploader };
        static props = {};
        static template = xml`
            <FileInput onUpload="() => {}"><button class="o_test_file_input">Attach</button></FileInput>
            <FileUploader onUploaded="() => {}">
                <t t-set-slot="toggler"><button class="o_test_file_uploader">Upload</button></t>
            </FileUploader>`;
    }
    await mountWithCleanup(Uploaders);
    await goOffline();
    for (const selector of [".o_test_file_input", ".o_test_file_uploader"]) {
        await contains(selector).click();
        expect(".o_notification:last").toHaveText(
            /Uploading files needs a connection to the server/
        );
    }
});
