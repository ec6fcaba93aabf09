import { patch } from "@web/core/utils/patch";
import { FormStatusIndicator } from "@web/views/form/form_status_indicator/form_status_indicator";
import { KanbanController } from "@web/views/kanban/kanban_controller";
import { KanbanRecord } from "@web/views/kanban/kanban_record";
import { ListController } from "@web/views/list/list_controller";
import { ListRenderer } from "@web/views/list/list_renderer";
import { isLocalId } from "../../core/offline_change";
import { PendingSyncMarker } from "./pending_sync_marker";
// The read cache's gray-out patches, extended below: applied first.
import "../kanban_patch";
import "../list_patch";

/**
 * The cloud marker on list rows, kanban cards and forms (see the templates,
 * which reach it as `t-component="PendingSyncMarker"`): given by the
 * prototype, which subclasses share, and not in the static `components`, which
 * subclasses copy when they are defined, before any patch (Project's task
 * cards, the order lines of Sales...).
 */
for (const Component of [FormStatusIndicator, ListRenderer, KanbanRecord]) {
    patch(Component.prototype, {
        get PendingSyncMarker() {
            return PendingSyncMarker;
        },
    });
}

/**
 * Records created offline are not in the read cache, yet their form opens
 * offline (the local copy serves it): they are never grayed out.
 */
function withRecordsCreatedOfflineAvailable(offline) {
    const isRecordFormUnavailable = offline.isRecordFormUnavailable;
    offline.isRecordFormUnavailable = (record) =>
        !isLocalId(record.resId) && isRecordFormUnavailable(record);
}

for (const Component of [ListRenderer, ListController, KanbanRecord, KanbanController]) {
    patch(Component.prototype, {
        setup() {
            super.setup();
            withRecordsCreatedOfflineAvailable(this.offline);
        },
    });
}
