import { registry } from "@web/core/registry";
import { goOffline, goOnline, takeScreenshot } from "./offline_tour_utils";

const ARCHIVED = "Offline Archive Partner";
const DELETED = "Offline Delete Partner";
const UNARCHIVED = "Offline Unarchive Partner";
const CREATED = "Offline Created Partner";

function toggleArchivedFilter() {
    return [
        {
            content: "Open the search options",
            trigger: ".o_searchview_dropdown_toggler",
            run: "click",
        },
        {
            content: "Toggle the Archived filter",
            trigger: ".o_search_bar_menu .o_menu_item:contains(Archived)",
            run: "click",
        },
        {
            content: "Close the search options",
            trigger: ".o_searchview_dropdown_toggler",
            run: "click",
        },
    ];
}

function selectRowAndRunAction(name, action) {
    return [
        {
            content: `Select ${name}`,
            trigger: `.o_data_row:contains(${name}) .o_list_record_selector input`,
            run: "click",
        },
        {
            content: "Open the actions of the selection",
            trigger: ".o_control_panel .o_cp_action_menus .dropdown-toggle",
            run: "click",
        },
        {
            content: action,
            trigger: `.o-dropdown--menu .o_menu_item:contains(${action})`,
            run: "click",
        },
        {
            content: `Confirm: ${action}`,
            trigger: `.modal-footer .btn-primary:contains(${action})`,
            run: "click",
        },
        {
            content: `${name} leaves the list`,
            trigger: `.o_list_view:not(:has(.o_data_row:contains(${name})))`,
        },
    ];
}

function backToList() {
    return {
        content: "Back to the list",
        trigger: ".o_breadcrumb .breadcrumb-item a:contains(Customers)",
        run: "click",
    };
}

/**
 * Archives, deletes, unarchives and creates customers offline, checks what the
 * dropdown lists, and reconnects on the form of the new customer, which then
 * follows it to its real id; test_offline_edit.py checks the database.
 */
registry.category("web_tour.tours").add("offline_mode_edit_lifecycle", {
    steps: () => [
        // Online: the list, the archived customer's form and an empty new form are opened once.
        {
            content: "Show the customers as a list",
            trigger: ".o_switch_view.o_list",
            run: "click",
        },
        {
            content: "The list is shown",
            trigger: `.o_list_view .o_data_row:contains(${ARCHIVED})`,
        },
        ...toggleArchivedFilter(),
        {
            content: `Open the archived ${UNARCHIVED}`,
            trigger: `.o_data_row:contains(${UNARCHIVED}) .o_data_cell`,
            run: "click",
        },
        {
            content: "Its form is shown, marked archived",
            trigger: ".o_form_view .ribbon:contains(Archived)",
        },
        backToList(),
        ...toggleArchivedFilter(),
        {
            content: "Start a new customer",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "The empty form is shown",
            trigger: ".o_form_view .o_form_editable .o_field_widget[name=name] textarea",
        },
        {
            content: "Leave it: back to the list",
            trigger: ".o_form_button_cancel",
            run: "click",
        },
        {
            content: "The list is shown",
            trigger: `.o_list_view .o_data_row:contains(${DELETED})`,
        },
        ...goOffline(),

        // Offline: archive and delete from the list.
        ...selectRowAndRunAction(ARCHIVED, "Archive"),
        ...selectRowAndRunAction(DELETED, "Delete"),

        // Offline: unarchive from the form.
        ...toggleArchivedFilter(),
        {
            content: `Open the archived ${UNARCHIVED} offline`,
            trigger: `.o_data_row:contains(${UNARCHIVED}) .o_data_cell`,
            run: "click",
        },
        {
            content: "Open the form's actions",
            trigger: ".o_form_view .o_cp_action_menus .dropdown-toggle",
            run: "click",
        },
        {
            content: "Unarchive",
            trigger: ".o-dropdown--menu .o_menu_item:contains(Unarchive)",
            run: "click",
        },
        {
            content: "The form is no longer marked archived, and waits to be synced",
            trigger: ".o_form_view:not(:has(.ribbon:contains(Archived))) .o_offline_mode_pending",
        },
        backToList(),
        ...toggleArchivedFilter(),

        // Offline: create a customer.
        {
            content: "New customer",
            trigger: ".o_list_button_add:not(.o_offline_mode_new_unavailable)",
            run: "click",
        },
        {
            content: "Name it",
            trigger: ".o_form_view .o_field_widget[name=name] textarea",
            run: `edit ${CREATED}`,
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Saved in this browser under a local id",
            trigger: ".o_form_view .o_offline_mode_pending",
            run() {
                if (!/\/-\d+$/.test(window.location.pathname)) {
                    throw new Error(
                        `Expected a local (negative) id in the URL, got ${window.location.pathname}`
                    );
                }
            },
        },
        {
            content: "Open the list of pending changes",
            trigger: ".o_offline_mode_systray_toggler",
            run: "click",
        },
        {
            content: "The four changes are listed with their tags",
            trigger: [
                `.o_offline_mode_changes`,
                `:has(.o_offline_mode_change:contains(${ARCHIVED}) .o_offline_mode_change_tag:contains(Archived))`,
                `:has(.o_offline_mode_change:contains(${DELETED}) .o_offline_mode_change_tag:contains(Deleted))`,
                `:has(.o_offline_mode_change:contains(${UNARCHIVED}) .o_offline_mode_change_tag:contains(Unarchived))`,
                `:has(.o_offline_mode_change:contains(${CREATED}) .o_offline_mode_change_tag:contains(Created))`,
            ].join(""),
        },
        takeScreenshot(
            "offline_changes_dropdown",
            ".o_offline_mode_changes .o_offline_mode_change"
        ),
        {
            content: "Close the dropdown",
            trigger: ".o_offline_mode_systray_toggler",
            run: "click",
        },

        // Reconnected on the new customer's form.
        ...goOnline(),
        {
            content: "The form follows the new customer to its real id",
            trigger: `.o_form_view .o_field_widget[name=name] textarea:value(${CREATED})`,
            async run() {
                const start = Date.now();
                while (!/\/\d+$/.test(window.location.pathname)) {
                    if (Date.now() - start > 5000) {
                        throw new Error(
                            `Expected the real id in the URL, got ${window.location.pathname}`
                        );
                    }
                    await new Promise((resolve) => setTimeout(resolve, 50));
                }
            },
        },
        {
            content: "Nothing waits to be synced",
            trigger: ".o_form_view:not(:has(.o_offline_mode_pending))",
        },
        backToList(),
        {
            content:
                "The list comes from the server: the new customer is in it, the deleted and archived ones are not",
            trigger: `.o_list_view:not(:has(.o_data_row:contains(${DELETED}))):not(:has(.o_data_row:contains(${ARCHIVED}))) .o_data_row:contains(${CREATED})`,
        },
    ],
});
