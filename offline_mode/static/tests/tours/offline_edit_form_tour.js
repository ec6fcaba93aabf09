import { registry } from "@web/core/registry";
import { backToKanban, goOffline, goOnline, openCard, takeScreenshot } from "./offline_tour_utils";

const EDITED = "Offline Edit Partner";
const DISCARDED = "Offline Discard Partner";

/**
 * Edits the Salesperson and the phone of a customer and the job position of
 * another one offline, checks what the dropdown says, discards the second
 * change, and reconnects: test_offline_edit.py checks the database.
 */
registry.category("web_tour.tours").add("offline_mode_edit_form", {
    steps: () => [
        // Online: both forms are opened once, and the Salesperson autocompletion is used.
        ...openCard(DISCARDED),
        ...backToKanban(),
        ...openCard(EDITED),
        {
            content: "Open the Sales & Purchase tab",
            trigger: ".o_notebook .nav-link:contains(Sales & Purchase)",
            run: "click",
        },
        {
            content: "Search a salesperson",
            trigger: ".o_field_widget[name=user_id] input",
            run: "edit Marc",
        },
        {
            content: "Marc Demo is proposed",
            trigger: ".o-autocomplete--dropdown-menu .dropdown-item:contains(Marc Demo)",
        },
        {
            content: "Close the autocompletion without choosing",
            trigger: ".o_field_widget[name=user_id] input",
            run: "press Escape",
        },
        {
            content: "The salesperson is unchanged",
            trigger: ".o_field_widget[name=user_id] input:value(Mitchell Admin)",
        },
        ...goOffline(),

        // Offline: edit two fields of the first customer.
        {
            content: "Type a salesperson's name",
            trigger: ".o_field_widget[name=user_id] input",
            run: "edit Marc",
        },
        {
            content: "Pick Marc Demo, proposed from what was searched online",
            trigger: ".o-autocomplete--dropdown-menu .dropdown-item:contains(Marc Demo)",
            run: "click",
        },
        {
            content: "Marc Demo is the salesperson",
            trigger: ".o_field_widget[name=user_id] input:value(Marc Demo)",
        },
        {
            content: "Change the phone",
            trigger: ".o_field_widget[name=phone] input",
            run: "edit +1 555 0199",
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Saved in this browser: the form is clean and says it is not synced yet",
            trigger:
                ".o_form_view .o_form_status_indicator:has(.o_offline_mode_pending:contains(Not synced yet)):not(:has(.o_form_status_indicator_buttons:not(.invisible)))",
        },
        {
            content: "No error was shown",
            trigger: "body:not(:has(.o_error_dialog, .o_notification.border-danger))",
        },
        {
            content: "Hover the marker",
            trigger: ".o_form_status_indicator .o_offline_mode_pending",
            run: "hover",
        },
        takeScreenshot(
            "offline_edit_saved",
            ".o-tooltip:contains(Saved in this browser; synced once the server can be reached.)"
        ),
        ...backToKanban(),
        {
            content: "The card carries the pending-sync marker",
            trigger: `.o_kanban_record:contains(${EDITED}) .o_offline_mode_pending`,
        },

        // Offline: edit a second customer, then discard that change.
        ...openCard(DISCARDED),
        {
            content: "Change the job position",
            trigger: ".o_field_widget[name=function] input",
            run: "edit Chief Discarder",
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "The top bar counts two changes",
            trigger: ".o_offline_mode_systray .o_offline_mode_systray_count:contains(2)",
        },
        {
            content: "Open the list of pending changes",
            trigger: ".o_offline_mode_systray_toggler",
            run: "click",
        },
        {
            content: "Both changes are listed, tagged Edited, with their action",
            trigger: `.o_offline_mode_changes:has(.o_offline_mode_change:contains(${EDITED}):contains(Customers) .o_offline_mode_change_tag:contains(Edited)):has(.o_offline_mode_change:contains(${DISCARDED}))`,
        },
        {
            content: "Hover the Edited tag of the first customer",
            trigger: `.o_offline_mode_change:contains(${EDITED}) .o_offline_mode_change_tag`,
            run: "hover",
        },
        {
            content: "The tooltip shows the old and new Salesperson",
            trigger:
                ".o-tooltip .o_offline_mode_edited_line:contains(Salesperson: Mitchell Admin → Marc Demo)",
        },
        {
            content: "The tooltip shows the old and new phone",
            trigger:
                ".o-tooltip .o_offline_mode_edited_line:contains(Phone: +1 555 0100 → +1 555 0199)",
        },
        takeScreenshot("offline_edited_tooltip", ".o-tooltip .o_offline_mode_edited_line"),
        {
            content: "Discard the change of the second customer",
            trigger: `.o_offline_mode_change:contains(${DISCARDED}) .o_offline_mode_discard`,
            run: "click",
        },
        {
            content: "Confirm",
            trigger: ".modal-footer .btn-danger:contains(Discard)",
            run: "click",
        },
        {
            content: "The form goes back to the job position the server has",
            trigger: ".o_form_view .o_field_widget[name=function] input:value(Buyer)",
        },
        {
            content: "One change is left",
            trigger: ".o_offline_mode_systray .o_offline_mode_systray_count:contains(1)",
        },

        // Reconnected: the queue drains by itself.
        ...goOnline(),
        ...backToKanban(),
        {
            content: "Synced: no card carries the pending-sync marker any more",
            trigger: `.o_kanban_view:not(:has(.o_offline_mode_pending)) .o_kanban_record:contains(${EDITED})`,
        },
    ],
});
