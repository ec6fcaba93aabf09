import { Component, useEffect, useExternalListener, useState } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { needsServerText, notAvailableOfflineText } from "../../core/offline_hooks";

/**
 * The chatter offline: what needs the server is grayed out in place and does
 * nothing.
 *
 * Sending a message, logging a note, scheduling or completing an activity,
 * following, editing the followers, adding and removing attachments all write
 * on the server at once; offline they are shown like the other controls that
 * cannot work (`o_offline_unavailable`, "Not available offline" tooltip) and a
 * click, a hotkey, Ctrl+Enter in the composer, a dropped or pasted file only
 * says that a connection is needed. Reading the chatter (messages, followers,
 * attachments) stays available. Online, nothing here acts.
 *
 * Why a main component that watches the page rather than patches of mail's
 * components: this addon does not depend on `mail` and must work without it, and
 * an asset of this addon cannot import mail's modules (they would be missing
 * without mail). Odoo's usual answer, a bridge module (depending on both,
 * auto-installed), would be a second addon to install, test and keep in step for
 * what is the same treatment for every control. The controls are found instead
 * by the classes mail gives them (the ones its own tests and tours select),
 * which changes nothing when mail is not installed. Being a main component, it
 * lives exactly as long as the web client: its observer and listeners go away
 * with it.
 */

/** What needs the server, by mail's classes (an Unfollow button: by its label). */
export const SERVER_CONTROLS = [
    // The composers, and sending from an open one.
    ".o-mail-Chatter-sendMessage",
    ".o-mail-Chatter-logNote",
    ".o-mail-Chatter .o-mail-Composer-send",
    ".o-mail-Chatter .o-mail-Composer-attachFiles",
    ".o-mail-Chatter .o-mail-Composer-fullComposer",
    // Activities: scheduling, and what is done with a planned one.
    ".o-mail-Chatter-activity",
    ".o-mail-ActivityButton",
    ".o-mail-Activity-markDone",
    ".o-mail-Activity-edit",
    ".o-mail-Activity-edit ~ .btn",
    // Following, and editing the followers ("Add Followers", edit, remove).
    ".o-mail-Chatter-follow",
    ".o-mail-Followers-dropdown > a.o-dropdown-item",
    ".o-mail-Follower-action",
    // Attachments: every file uploader's button (the paperclip too while there is
    // no attachment; then, it only shows them), and removal.
    ".o-mail-Chatter span:has(+ input.o_input_file) > button",
    ".o-mail-AttachmentCard-unlink",
    ".o-mail-AttachmentImage button:has(> .fa-trash)",
    // The "Remove" entry of an image's actions menu, a message's "Delete".
    ".o-dropdown--menu > .o-dropdown-item:has(> i.fa-fw.fa-trash + span)",
].join(", ");

/** Where files dropped or pasted are uploaded at once. */
const FILE_DROPZONES = ".o-mail-Chatter-dropzone, .o-mail-Composer-dropzone";
const CHATTER_COMPOSER_INPUT = ".o-mail-Chatter .o-mail-Composer-input";

const GRAYED = "o_offline_unavailable";
/** Set on each control grayed out here; holds its own tooltip and title to give back. */
const MARK = "offlineModeServerControl";
const MARKED = "[data-offline-mode-server-control]";

/**
 * The events refused offline, each with whether it needs the server: a click on
 * a control grayed out here, Ctrl+Enter in the chatter's composer (it posts), a
 * file dropped or pasted where it is uploaded at once.
 */
const NEEDS_SERVER = {
    click: (ev) => ev.target.closest?.(MARKED),
    keydown: (ev) =>
        ev.key === "Enter" && ev.ctrlKey && ev.target.closest?.(CHATTER_COMPOSER_INPUT),
    drop: (ev) => ev.target.closest?.(FILE_DROPZONES),
    paste: (ev) => ev.clipboardData?.files.length && ev.target.closest?.(CHATTER_COMPOSER_INPUT),
};

/** The control an element matched belongs to (the Unfollow button's class is on its label). */
function controlOf(element) {
    return element.closest("button, a") ?? element;
}

/** Grays out the controls of the page that are not yet (idempotent: it runs on every change). */
function grayOut() {
    const tooltip = notAvailableOfflineText();
    for (const control of new Set([...document.querySelectorAll(SERVER_CONTROLS)].map(controlOf))) {
        if (!(MARK in control.dataset)) {
            control.dataset[MARK] = JSON.stringify({
                tooltip: control.dataset.tooltip ?? null,
                title: control.getAttribute("title"),
            });
        }
        if (control.hasAttribute("title")) {
            // Its own title, set again by its component, is given back online
            // (the tooltip service empties it while the tooltip is shown).
            const title = control.getAttribute("title");
            if (title) {
                const own = JSON.parse(control.dataset[MARK]);
                control.dataset[MARK] = JSON.stringify({ ...own, title });
            }
            control.removeAttribute("title");
        }
        if (!control.classList.contains(GRAYED)) {
            control.classList.add(GRAYED);
        }
        if (control.dataset.tooltip !== tooltip) {
            control.dataset.tooltip = tooltip;
        }
    }
}

/** Gives the controls grayed out here back as they were. */
function giveBack() {
    for (const control of document.querySelectorAll(MARKED)) {
        const { tooltip, title } = JSON.parse(control.dataset[MARK]);
        if (tooltip === null) {
            delete control.dataset.tooltip;
        } else {
            control.dataset.tooltip = tooltip;
        }
        if (title !== null) {
            control.setAttribute("title", title);
        }
        delete control.dataset[MARK];
        control.classList.remove(GRAYED);
    }
}

export class ServerControls extends Component {
    static template = "offline_mode.ServerControls";
    static props = {};

    setup() {
        this.status = useState(useService("offline_connectivity").status);
        this.notification = useService("notification");

        useEffect(
            (isOffline) => {
                if (!isOffline) {
                    return;
                }
                const observer = new MutationObserver(grayOut);
                grayOut();
                observer.observe(document.body, {
                    childList: true,
                    subtree: true,
                    attributes: true,
                    attributeFilter: ["class", "title"],
                });
                return () => {
                    observer.disconnect();
                    giveBack();
                };
            },
            () => [this.status.isOffline]
        );

        // Captured on the way down: offline, the control's own handler never runs.
        for (const [type, needsServer] of Object.entries(NEEDS_SERVER)) {
            const refuseOffline = (ev) => {
                if (this.status.isOffline && needsServer(ev)) {
                    this.refuse(ev);
                }
            };
            useExternalListener(document, type, refuseOffline, { capture: true });
        }
    }

    refuse(ev) {
        ev.preventDefault();
        ev.stopImmediatePropagation();
        this.notification.add(needsServerText(), { type: "warning" });
    }
}

registry.category("main_components").add("offline_mode.ServerControls", {
    Component: ServerControls,
});
