import { patch } from "@web/core/utils/patch";
import { KanbanRecord } from "@web/views/kanban/kanban_record";
import { notAvailableOfflineText, useOfflineAvailability } from "../../core/offline_hooks";
import { PendingSyncMarker } from "../pending_sync_marker/pending_sync_marker";

/**
 * Offline, cards whose form was never opened in this browser are grayed out
 * and do not open. Cards with changes not synced yet carry the pending marker.
 */
patch(KanbanRecord.prototype, {
    setup() {
        super.setup();
        this.offline = useOfflineAvailability();
    },

    get isUnavailableOffline() {
        const { archInfo, forceGlobalClick, record } = this.props;
        // Only the cards of kanban views open a form; those of a form's
        // one2many fields open from its data.
        const opensForm = forceGlobalClick || archInfo.openAction || archInfo.canOpenRecords;
        return (
            this.env.config.viewType === "kanban" &&
            Boolean(opensForm) &&
            this.offline.isRecordFormUnavailable(record)
        );
    },

    get offlineTooltip() {
        return this.isUnavailableOffline ? notAvailableOfflineText() : false;
    },

    getRecordClasses() {
        const classes = super.getRecordClasses();
        return this.isUnavailableOffline ? `${classes} o_offline_unavailable` : classes;
    },

    /** See pending_sync_marker.js for why a getter. */
    get PendingSyncMarker() {
        return PendingSyncMarker;
    },
});
