import { patch } from "@web/core/utils/patch";
import { ListController } from "@web/views/list/list_controller";
import { ListRenderer } from "@web/views/list/list_renderer";
import {
    notAvailableOfflineText,
    offlineControllerPatch,
    useOfflineAvailability,
} from "../core/offline_hooks";

/** Offline, rows whose form was never opened in this browser are grayed out and do not open. */
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
});

patch(ListController.prototype, offlineControllerPatch());
