import { patch } from "@web/core/utils/patch";
import { FormController } from "@web/views/form/form_controller";
import { useNewRecordOffline, useReloadOnLocalCopyChanges } from "../offline_controllers";

/**
 * Offline, "New" as `useNewRecordOffline` says. When the local copy of the
 * record shown changes, the form loads it again; the form of a record created
 * offline follows it to its real id (and the URL with it) once synced.
 */
patch(FormController.prototype, {
    setup() {
        super.setup();
        this.newRecordOffline = useNewRecordOffline(this);
        useReloadOnLocalCopyChanges(this);
    },

    async create() {
        if (this.newRecordOffline.isUnavailable) {
            return this.newRecordOffline.refuse();
        }
        return super.create(...arguments);
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
