import { patch } from "@web/core/utils/patch";
import { KanbanController } from "@web/views/kanban/kanban_controller";
import { KanbanRecord } from "@web/views/kanban/kanban_record";
import {
    notAvailableOfflineText,
    offlineControllerPatch,
    useOfflineAvailability,
} from "../core/offline_hooks";

/** Offline, cards whose form was never opened in this browser are grayed out and do not open. */
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
});

patch(KanbanController.prototype, offlineControllerPatch());
