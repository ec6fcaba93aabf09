import { patch } from "@web/core/utils/patch";
import { ListRenderer } from "@web/views/list/list_renderer";
import { notAvailableOfflineText, useOfflineAvailability } from "../../core/offline_hooks";
import { PendingSyncMarker } from "../pending_sync_marker/pending_sync_marker";

/**
 * Offline, rows whose form was never opened in this browser are grayed out and
 * do not open. Rows with changes not synced yet carry the pending marker.
 */
patch(ListRenderer.prototype, {
    setup() {
        super.setup();
        this.offline = useOfflineAvailability();
    },

    isRowUnavailableOffline(record) {
        // Only the rows of list views open a form: editable lists edit rows in
        // place, and one2many lists of a form open their rows from its data.
        return (
            this.env.config.viewType === "list" &&
            !this.props.editable &&
            this.offline.isRecordFormUnavailable(record)
        );
    },

    offlineRowTooltip(record) {
        return this.isRowUnavailableOffline(record) ? notAvailableOfflineText() : false;
    },

    getRowClass(record) {
        const classNames = super.getRowClass(record);
        return this.isRowUnavailableOffline(record)
            ? `${classNames} o_offline_unavailable`
            : classNames;
    },

    /** See pending_sync_marker.js for why a getter. */
    get PendingSyncMarker() {
        return PendingSyncMarker;
    },
});
