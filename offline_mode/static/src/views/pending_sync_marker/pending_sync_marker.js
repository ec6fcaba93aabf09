import { Component, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { useService } from "@web/core/utils/hooks";
import { CONFLICT, REJECTED } from "../../core/offline_change";

/**
 * The cloud shown on a record (list row, kanban card, form) whose changes made
 * offline have not reached the server yet; red when the server refused them.
 *
 * The templates it shows in (list/list_renderer_patch.xml,
 * kanban/kanban_record_patch.xml, form/form_status_indicator_patch.xml) reach it
 * as `t-component="PendingSyncMarker"`, given by a getter of the patched
 * prototype, which subclasses share, and not by the static `components`, which
 * subclasses copy when they are defined, before any patch (Project's task
 * cards, the order lines of Sales...).
 */
export class PendingSyncMarker extends Component {
    static template = "offline_mode.PendingSyncMarker";
    static props = {
        resModel: String,
        resId: { type: [Number, Boolean] },
        class: { type: String, optional: true },
        withLabel: { type: Boolean, optional: true },
    };

    setup() {
        this.outbox = useService("offline_outbox");
        this.outboxState = useState(this.outbox.state);
    }

    get changes() {
        // Read through the reactive state, so that the marker follows the queue.
        return (
            this.outboxState.changes && this.outbox.changesOf(this.props.resModel, this.props.resId)
        );
    }

    get hasIssue() {
        return this.changes.some((change) => [CONFLICT, REJECTED].includes(change.status));
    }

    get title() {
        return this.hasIssue
            ? _t(
                  "Not synced: the server refused a change made offline (see Sync issues in the top bar)."
              )
            : _t("Saved in this browser; synced once the server can be reached.");
    }

    get label() {
        return this.hasIssue ? _t("Sync issue") : _t("Not synced yet");
    }
}
