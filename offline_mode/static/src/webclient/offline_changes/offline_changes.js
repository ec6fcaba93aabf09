import { Component, useState } from "@odoo/owl";
import { ConfirmationDialog } from "@web/core/confirmation_dialog/confirmation_dialog";
import { useDropdownCloser } from "@web/core/dropdown/dropdown_hooks";
import { _t } from "@web/core/l10n/translation";
import { browser } from "@web/core/browser/browser";
import { useService } from "@web/core/utils/hooks";
import {
    ARCHIVE,
    CONFLICT,
    CREATE,
    REJECTED,
    UNARCHIVE,
    UNLINK,
    WRITE,
} from "../../core/offline_change";
import { exportChanges } from "../../core/outbox_export";
import { useSyncStatus } from "../../core/sync_service";
import { describeFieldChanges } from "./change_display";
import { ConflictDialog } from "./conflict_dialog";

/** Rows rendered at first, and added each time the list is scrolled near its end. */
const ROWS_PER_PAGE = 50;
/** How close to the end of the list (in pixels) scrolling renders the next rows. */
const MORE_ROWS_MARGIN_PX = 300;

/** The tag of each operation: its label and Bootstrap color. */
function operationTag(operation) {
    return {
        [CREATE]: { label: _t("Created"), color: "success" },
        [WRITE]: { label: _t("Edited"), color: "info" },
        [UNLINK]: { label: _t("Deleted"), color: "danger" },
        [ARCHIVE]: { label: _t("Archived"), color: "secondary" },
        [UNARCHIVE]: { label: _t("Unarchived"), color: "primary" },
    }[operation];
}

/**
 * The changes made offline that the server does not have yet, for the
 * dropdown of the offline mode button: one row per change with its record,
 * action and operation (hover "Edited" for the fields), the server's reason
 * when it refused it, and what the user can do: open it, resolve a conflict,
 * discard it, sync now, and — when syncing keeps failing — download the
 * changes as a file. Takes no props: it reads the services.
 */
export class OfflineChanges extends Component {
    static template = "offline_mode.OfflineChanges";
    static props = {};

    setup() {
        this.outboxService = useService("offline_outbox");
        this.outbox = useState(this.outboxService.state);
        this.sync = useService("offline_sync");
        this.syncState = useState(this.sync.state);
        this.status = useSyncStatus();
        this.action = useService("action");
        this.dialog = useService("dialog");
        // Inside a dropdown (the offline mode button), opening something closes it.
        this.dropdown = useDropdownCloser();
        // Only the rows in sight or near it are rendered: thousands of changes open as fast as ten.
        this.window = useState({ rowCount: ROWS_PER_PAGE });
    }

    get rows() {
        return this.outbox.changes.slice(0, this.window.rowCount).map((change) => {
            const tag = operationTag(change.operation);
            return {
                change,
                tag,
                hasIssue: [CONFLICT, REJECTED].includes(change.status),
                isInFlight: this.syncState.inFlight.includes(change.uuid),
                // Escaped where shown (t-esc in the tooltip template).
                tooltipInfo:
                    change.operation === WRITE
                        ? JSON.stringify({ lines: describeFieldChanges(change) })
                        : false,
            };
        });
    }

    /** The rows not rendered yet, below the last one. */
    get hiddenRowCount() {
        return Math.max(this.outbox.changes.length - this.window.rowCount, 0);
    }

    get moreRowsText() {
        return _t("%(count)s more below", { count: this.hiddenRowCount });
    }

    onListScroll(event) {
        const list = event.currentTarget;
        if (
            this.hiddenRowCount &&
            list.scrollTop + list.clientHeight > list.scrollHeight - MORE_ROWS_MARGIN_PX
        ) {
            this.window.rowCount += ROWS_PER_PAGE;
        }
    }

    get summary() {
        const { phase, pendingCount, failedCount } = this.status;
        if (phase === "offline") {
            return _t(
                "Your changes are kept in this browser and synced when the connection returns."
            );
        }
        if (phase === "syncing") {
            return _t("Sending to the server: %(count)s", { count: pendingCount });
        }
        if (phase === "issues") {
            return this.syncState.lastError && pendingCount
                ? _t("Not sent yet: %(reason)s", { reason: this.syncState.lastError })
                : _t("Changes the server did not take: %(count)s", { count: failedCount });
        }
        return _t("Everything is synced.");
    }

    issueText(change) {
        if (change.status === CONFLICT) {
            return _t("Someone else changed %(fields)s meanwhile.", {
                fields: change.conflicts.map((conflict) => conflict.label).join(", "),
            });
        }
        return change.error?.message || "";
    }

    openRecord(change) {
        this.dropdown.close();
        const resId = change.resId;
        if (change.actionId) {
            return this.action.doAction(change.actionId, { props: { resId }, viewType: "form" });
        }
        return this.action.doAction({
            type: "ir.actions.act_window",
            res_model: change.model,
            res_id: resId,
            views: [[false, "form"]],
        });
    }

    confirmDiscard(change) {
        this.dialog.add(ConfirmationDialog, {
            title: _t("Discard offline change"),
            body: _t(
                "The change made offline to “%(record)s” will be lost; the record goes back to what the server has.",
                { record: change.recordName || change.model }
            ),
            confirmLabel: _t("Discard"),
            confirmClass: "btn-danger",
            confirm: () => this.outboxService.discard(change.uuid),
            cancel: () => {},
        });
    }

    resolve(change) {
        this.dropdown.close();
        this.dialog.add(ConflictDialog, { uuid: change.uuid });
    }

    syncNow() {
        return this.sync.syncNow();
    }

    /** Saves `changes` to a file on the user's device (no server needed). */
    download(changes) {
        const { name, content } = exportChanges(
            changes,
            (localId) => this.outboxService.creationOf(localId)?.uuid
        );
        const url = URL.createObjectURL(new Blob([content], { type: "application/json" }));
        const link = Object.assign(document.createElement("a"), { href: url, download: name });
        link.click();
        browser.setTimeout(() => URL.revokeObjectURL(url), 1000);
    }
}
