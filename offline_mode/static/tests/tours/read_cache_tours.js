import { registry } from "@web/core/registry";
import {
    goOffline,
    goOnline,
    hardReload,
    reload,
    takeScreenshot,
    waitForCacheWrites,
} from "./offline_tour_utils";

const tours = registry.category("web_tour.tours");

function openUsersMenu() {
    return [
        {
            content: "Open the Users & Companies menu",
            trigger: ".o_main_navbar button[data-menu-xmlid='base.menu_users']",
            run: "click",
        },
        {
            content: "Open the users",
            trigger: ".o-dropdown--menu a[data-menu-xmlid='base.menu_action_res_users']",
            run: "click",
        },
    ];
}

function openMarcDemo() {
    return [
        {
            content: "Open the form of Marc Demo from the list of users",
            trigger: ".o_list_view .o_data_row .o_data_cell:contains(Marc Demo)",
            run: "click",
        },
        {
            content: "The form of Marc Demo is shown",
            trigger: ".o_form_view .o_field_widget[name=login] input:value(demo)",
        },
    ];
}

/** Opens the list of companies from the Users & Companies menu. */
function openCompanies() {
    return [
        {
            content: "Open the Users & Companies menu",
            trigger: ".o_main_navbar button[data-menu-xmlid='base.menu_users']",
            run: "click",
        },
        {
            content: "Open the companies",
            trigger: ".o-dropdown--menu a[data-menu-xmlid='base.menu_action_res_company_form']",
            run: "click",
        },
        {
            content: "The list of companies is shown",
            trigger: ".o_list_view .o_data_row .o_data_cell:contains(YourCompany)",
        },
    ];
}

tours.add("offline_mode_reopen_offline", {
    steps: () => [
        // Online: open a list, a form, then another list.
        ...openMarcDemo(),
        ...openCompanies(),
        ...goOffline(),
        takeScreenshot("offline_systray", ".o_offline_mode_systray"),
        {
            content: "The offline dropdown explains the situation",
            trigger: ".o_offline_mode_systray_toggler",
            run: "click",
        },
        takeScreenshot(
            "offline_systray_dropdown",
            ".o_offline_mode_systray_dropdown .o_offline_mode_retry"
        ),
        {
            content: "Close the offline dropdown",
            trigger: ".o_offline_mode_systray_toggler",
            run: "click",
        },
        // Offline: menus never opened are grayed out, with a tooltip.
        {
            content: "General Settings was never opened: grayed out",
            trigger:
                ".o_menu_sections .o_nav_entry.o_offline_unavailable[data-menu-xmlid='base_setup.menu_config']",
            run: "hover",
        },
        {
            content: "Its tooltip says it is not available offline",
            trigger: ".o-tooltip:contains(Not available offline)",
        },
        takeScreenshot("offline_grayed_menu", ".o-tooltip:contains(Not available offline)"),
        {
            content: "Clicking it does not leave the companies",
            trigger: ".o_menu_sections [data-menu-xmlid='base_setup.menu_config']",
            run: "click",
        },
        {
            content: "It says why",
            trigger: ".o_notification:contains(Not available offline)",
        },
        {
            content: "Still on the companies",
            trigger: ".o_list_view .o_data_row .o_data_cell:contains(YourCompany)",
        },
        // Offline: the users were not open any more when the network went down.
        ...openUsersMenu(),
        {
            content:
                "The list of users reopens from the browser cache; Mitchell Admin's form was never opened",
            trigger:
                ".o_list_view .o_data_row.o_offline_unavailable .o_data_cell:contains(Mitchell Admin)",
        },
        ...openMarcDemo(),
        {
            content: "No error dialog was shown",
            trigger: "body:not(:has(.o_error_dialog, .modal))",
        },
        ...goOnline(),
        {
            content: "Online again, nothing is grayed out",
            trigger: ".o_form_view:not(:has(.o_offline_unavailable))",
        },
    ],
});

tours.add("offline_mode_search_replay", {
    steps: () => [
        {
            content: "Search users named Marc",
            trigger: ".o_searchview_input",
            run: "edit Marc",
        },
        {
            content: "Run the search",
            trigger: ".o_searchview_input",
            run: "press Enter",
        },
        {
            content: "Only Marc Demo is listed",
            trigger:
                ".o_list_view:not(:has(.o_data_row:contains(Mitchell Admin))) .o_data_row:contains(Marc Demo)",
        },
        {
            content: "Remove the search",
            trigger: ".o_searchview_facet:contains(Marc) .o_facet_remove",
            run: "click",
        },
        {
            content: "All internal users are listed again",
            trigger: ".o_list_view .o_data_row:contains(Mitchell Admin)",
        },
        waitForCacheWrites(),
        ...goOffline(),
        {
            content: "Click in the search bar",
            trigger: ".o_searchview_input",
            run: "click",
        },
        takeScreenshot("offline_search_replay", ".o_offline_mode_search:contains(Marc)"),
        {
            content: "The search run online is listed; choose it",
            trigger: ".o_offline_mode_search:contains(Marc)",
            run: "click",
        },
        {
            content: "Its results are shown from the browser cache",
            trigger:
                ".o_list_view:not(:has(.o_data_row:contains(Mitchell Admin))) .o_data_row:contains(Marc Demo)",
        },
        {
            content: "With its facet",
            trigger: ".o_searchview_facet:contains(Marc)",
        },
        ...goOnline(),
    ],
});

tours.add("offline_mode_data_caching_off", {
    steps: () => [
        {
            content: "The users (data caching off) are shown online",
            trigger: ".o_list_view .o_data_row:contains(Marc Demo)",
        },
        ...openCompanies(),
        ...goOffline(),
        {
            content: "Open the Users & Companies menu offline",
            trigger: ".o_main_navbar button[data-menu-xmlid='base.menu_users']",
            run: "click",
        },
        {
            content: "The users, opened online but with data caching off, are unavailable offline",
            trigger:
                ".o-dropdown--menu a.o_offline_unavailable[data-menu-xmlid='base.menu_action_res_users']",
        },
        {
            content: "The companies are available",
            trigger:
                ".o-dropdown--menu a:not(.o_offline_unavailable)[data-menu-xmlid='base.menu_action_res_company_form']",
        },
        {
            content: "Clicking the users does nothing but say why",
            trigger: ".o-dropdown--menu a[data-menu-xmlid='base.menu_action_res_users']",
            run: "click",
        },
        {
            content: "Not available offline",
            trigger: ".o_notification:contains(Not available offline)",
        },
        {
            content: "The companies stay on screen",
            trigger: ".o_list_view .o_data_row .o_data_cell:contains(YourCompany)",
        },
        ...goOnline(),
    ],
});

tours.add("offline_mode_hard_refresh", {
    steps: () => [
        ...openMarcDemo(),
        ...openUsersMenu(),
        waitForCacheWrites(),
        reload(),
        // A plain reload keeps the cache.
        {
            content: "The users are listed again after the reload",
            trigger: ".o_list_view .o_data_row:contains(Marc Demo)",
        },
        ...goOffline(),
        {
            content: "After a plain reload, Marc Demo's form is still available offline",
            trigger: ".o_list_view .o_data_row:not(.o_offline_unavailable):contains(Marc Demo)",
        },
        ...goOnline(),
        hardReload(),
        {
            content: "The users are listed again after the hard refresh",
            trigger: ".o_list_view .o_data_row:contains(Marc Demo)",
        },
        ...goOffline(),
        {
            content: "After a hard refresh, Marc Demo's form is no longer stored",
            trigger: ".o_list_view .o_data_row.o_offline_unavailable:contains(Marc Demo)",
        },
        ...goOnline(),
    ],
});

tours.add("offline_mode_logout", {
    steps: () => [
        ...openMarcDemo(),
        waitForCacheWrites(),
        {
            content: "The browser holds offline data for this user",
            trigger: "body",
            async run() {
                const databases = await indexedDB.databases();
                if (!databases.some(({ name }) => name.startsWith("offline_mode:"))) {
                    throw new Error("No offline data was stored");
                }
            },
        },
        {
            content: "Open the user menu",
            trigger: ".o_user_menu button",
            run: "click",
        },
        {
            content: "Log out",
            trigger: ".o-dropdown--menu .dropdown-item[data-menu=logout]",
            run: "click",
        },
    ],
});

async function readAttachment(name) {
    const [attachment] = await rpcSearchRead("ir.attachment", [["name", "=", name]], ["id"]);
    const response = await fetch(`/web/content/${attachment.id}?download=true`);
    return response.ok ? response.text() : null;
}

function rpcSearchRead(model, domain, fields) {
    const { rpc } = odoo.loader.modules.get("@web/core/network/rpc");
    return rpc(`/web/dataset/call_kw/${model}/search_read`, {
        model,
        method: "search_read",
        args: [domain, fields],
        kwargs: {},
    });
}

tours.add("offline_mode_files", {
    steps: () => [
        {
            content: "The service worker controls the page",
            trigger: "body",
            async run() {
                await navigator.serviceWorker.ready;
                const start = Date.now();
                while (!navigator.serviceWorker.controller && Date.now() - start < 5000) {
                    await new Promise((resolve) => setTimeout(resolve, 50));
                }
            },
        },
        {
            content: "Open a file online; another is never opened",
            trigger: "body",
            async run() {
                const text = await readAttachment("offline_mode_opened.txt");
                if (text !== "opened online") {
                    throw new Error(`Unexpected content: ${text}`);
                }
                // Remember the ids while the server answers.
                const attachments = await rpcSearchRead(
                    "ir.attachment",
                    [["name", "like", "offline_mode_"]],
                    ["id", "name"]
                );
                window.offlineModeAttachments = Object.fromEntries(
                    attachments.map(({ id, name }) => [name, id])
                );
                // Stored by the worker once received and sealed: wait until it is.
                const url = `/web/content/${window.offlineModeAttachments["offline_mode_opened.txt"]}?download=true`;
                const start = Date.now();
                while (!(await caches.match(url)) && Date.now() - start < 10000) {
                    await new Promise((resolve) => setTimeout(resolve, 50));
                }
            },
        },
        ...goOffline(),
        {
            content: "Offline, the file opened online opens from the browser; the other does not",
            trigger: "body",
            async run() {
                const ids = window.offlineModeAttachments;
                const opened = await fetch(
                    `/web/content/${ids["offline_mode_opened.txt"]}?download=true`
                );
                if ((await opened.text()) !== "opened online") {
                    throw new Error("The file opened online is not available offline");
                }
                const neverOpened = await fetch(
                    `/web/content/${ids["offline_mode_never_opened.txt"]}?download=true`
                ).then(
                    (response) =>
                        `served (${response.status} ${response.type} ${response.headers.get(
                            "content-type"
                        )})`,
                    () => "failed"
                );
                if (neverOpened !== "failed") {
                    throw new Error(`A file never opened online was ${neverOpened} offline`);
                }
            },
        },
        ...goOnline(),
    ],
});
