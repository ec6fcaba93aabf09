import { registry } from "@web/core/registry";
import { backToKanban, goOffline, openCard, takeScreenshot } from "./offline_tour_utils";

const KEPT = "Offline Conflict Mine";
const DROPPED = "Offline Conflict Theirs";

function editPhone(name, phone) {
    return [
        ...openCard(name),
        {
            content: `Change the phone of ${name}`,
            trigger: ".o_field_widget[name=phone] input",
            run: `edit ${phone}`,
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Saved in this browser",
            trigger: ".o_form_view .o_offline_mode_pending",
        },
        ...backToKanban(),
    ];
}

function openResolveDialog(name) {
    return [
        {
            content: "Open the list of changes",
            trigger: ".o_offline_mode_systray_toggler",
            run: "click",
        },
        {
            content: `Resolve the conflict of ${name}`,
            trigger: `.o_offline_mode_change:contains(${name}) .o_offline_mode_resolve`,
            run: "click",
        },
        {
            content: "The dialog shows the phone before, mine and the other user's",
            trigger: `.o_offline_mode_conflict_dialog .o_offline_mode_conflict_row[data-field=phone]:contains(Phone)`,
        },
    ];
}

/**
 * Two customers are edited offline while another user changes the same field
 * on the server; after reconnecting, one conflict is resolved with "Keep
 * mine", the other with "Use server's". test_offline_edit.py makes the other
 * user's edits (on the marker below) and checks the database.
 */
registry.category("web_tour.tours").add("offline_mode_edit_conflict", {
    steps: () => [
        ...openCard(KEPT),
        ...backToKanban(),
        ...openCard(DROPPED),
        ...backToKanban(),
        ...goOffline(),
        {
            content: "Meanwhile, another user changes both phones on the server",
            trigger: "body",
            async run() {
                console.log("[offline_mode] other user edits");
                const start = Date.now();
                while (!window.offlineModeOtherUserEdited) {
                    if (Date.now() - start > 10000) {
                        throw new Error("The other user's edits were not made");
                    }
                    await new Promise((resolve) => setTimeout(resolve, 50));
                }
            },
        },
        ...editPhone(KEPT, "+1 555 0399"),
        ...editPhone(DROPPED, "+1 555 0499"),
        {
            content: "Restore the network",
            trigger: "body",
            run() {
                console.log("[offline_mode] network online");
            },
        },
        {
            content: "Both changes come back in conflict: the top bar says Sync issues",
            trigger:
                ".o_offline_mode_systray[data-phase=issues] .o_offline_mode_systray_label:contains(Sync issues)",
            timeout: 15000,
        },
        {
            content: "Open the list of changes",
            trigger: ".o_offline_mode_systray_toggler",
            run: "click",
        },
        {
            content: "Each conflict is flagged red with the reason",
            trigger: `.o_offline_mode_change.o_offline_mode_change_issue:contains(${KEPT}):contains(Someone else changed Phone meanwhile.)`,
        },
        takeScreenshot(
            "offline_sync_issue",
            ".o_offline_mode_change_issue .o_offline_mode_resolve"
        ),
        {
            content: "Close the list",
            trigger: ".o_offline_mode_systray_toggler",
            run: "click",
        },

        // Keep mine.
        ...openResolveDialog(KEPT),
        {
            content: "Mine and theirs side by side",
            trigger:
                ".o_offline_mode_conflict_row:has(.o_offline_mode_conflict_mine:contains(+1 555 0399)) .o_offline_mode_conflict_theirs:contains(+1 555 0301)",
        },
        takeScreenshot(
            "offline_conflict_resolve",
            ".o_offline_mode_conflict_dialog .o_offline_mode_keep_mine"
        ),
        {
            content: "Keep mine",
            trigger: ".o_offline_mode_keep_mine",
            run: "click",
        },
        {
            content: "Sent again and applied: only the other conflict is left",
            trigger: `.o_offline_mode_systray .o_offline_mode_systray_count:contains(1)`,
        },

        // Use the server's.
        ...openResolveDialog(DROPPED),
        {
            content: "Use the server's value",
            trigger: ".o_offline_mode_use_servers",
            run: "click",
        },
        {
            content: "Nothing is left to sync: the offline button is gone",
            trigger: ".o_main_navbar:not(:has(.o_offline_mode_systray))",
        },
        {
            content: "The kanban shows no pending marker",
            trigger: ".o_kanban_view:not(:has(.o_offline_mode_pending))",
        },
    ],
});
