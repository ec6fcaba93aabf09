import { useBus } from "@web/core/utils/hooks";
import { patch } from "@web/core/utils/patch";
import { FormController } from "@web/views/form/form_controller";
import { KanbanController } from "@web/views/kanban/kanban_controller";
import { ListController } from "@web/views/list/list_controller";

/**
 * When the local copy of records changes under an open view — their changes
 * reached the server, or the user discarded them — the view loads them again:
 * after a sync it shows the server's values (computed fields, other users'
 * edits), after a discard the values from before the change. A form of a
 * record created offline follows it to its real id (and the URL with it). A
 * record being edited is left alone.
 *
 * Both events name the records (`records`: model and id); a sync also gives
 * the real ids of records created offline (`resolvedIds`: local → real).
 */
function useReloadOnLocalCopyChanges(controller) {
    const reload = ({ detail }) => controller.reloadChangedRecords({ resolvedIds: {}, ...detail });
    useBus(controller.env.bus, "OFFLINE_MODE:SYNCED", reload);
    useBus(controller.env.bus, "OFFLINE_MODE:CHANGES_DISCARDED", reload);
}

patch(FormController.prototype, {
    setup() {
        super.setup();
        useReloadOnLocalCopyChanges(this);
    },

    async reloadChangedRecords({ records, resolvedIds }) {
        const root = this.model.root;
        const realId = resolvedIds[root.resId];
        const isShown = records.some(
            (record) => record.model === root.resModel && record.resId === root.resId
        );
        if ((!realId && !isShown) || (await root.isDirty())) {
            return;
        }
        const resIds = root.resIds.map((resId) => resolvedIds[resId] || resId);
        await this.model.load({ resId: realId || root.resId, resIds });
    },
});

const reloadChangedRecords = () => ({
    setup() {
        super.setup();
        useReloadOnLocalCopyChanges(this);
    },

    async reloadChangedRecords({ records }) {
        const isShown = records.some((record) => record.model === this.props.resModel);
        if (isShown && !this.model.root.editedRecord) {
            await this.model.load();
        }
    },
});

// A new object per patched class: `super` is bound to the object patched with.
patch(ListController.prototype, reloadChangedRecords());
patch(KanbanController.prototype, reloadChangedRecords());
