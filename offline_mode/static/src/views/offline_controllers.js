import { onMounted, onWillUnmount, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { useBus, useService } from "@web/core/utils/hooks";
import { useOfflineAvailability } from "../core/offline_hooks";

/**
 * What the patches of the list, kanban and form controllers share (see
 * list/, kanban/ and form/).
 */

/**
 * Offline, "New" only works for models whose new-record defaults this browser
 * fetched online (a record of that model was created, or its form opened
 * empty): the read cache serves them. Otherwise the button looks disabled,
 * says why on hover (`hint`), and explains when clicked (`refuse`).
 */
export function useNewRecordOffline(controller) {
    const status = useState(useService("offline_connectivity").status);
    const outbox = useState(useService("offline_outbox").state);
    const notification = useService("notification");
    const newRecord = {
        get isUnavailable() {
            return status.isOffline && !outbox.modelsWithDefaults.has(controller.props.resModel);
        },
        get hint() {
            return newRecord.isUnavailable
                ? _t(
                      "Not available offline: no record of this kind was created in this browser while online."
                  )
                : false;
        },
        refuse() {
            notification.add(newRecord.hint, { type: "warning" });
        },
    };
    return newRecord;
}

/**
 * When the local copy of records changes under an open view — their changes
 * reached the server, or the user discarded them — the controller's
 * `reloadChangedRecords` loads them again: after a sync the view shows the
 * server's values (computed fields, other users' edits), after a discard the
 * values from before the change. A record being edited is left alone.
 *
 * Both events name the records (`records`: model and id); a sync also gives
 * the real ids of records created offline (`resolvedIds`: local → real).
 */
export function useReloadOnLocalCopyChanges(controller) {
    const reload = ({ detail }) => controller.reloadChangedRecords({ resolvedIds: {}, ...detail });
    useBus(controller.env.bus, "OFFLINE_MODE:SYNCED", reload);
    useBus(controller.env.bus, "OFFLINE_MODE:CHANGES_DISCARDED", reload);
}

/**
 * Makes the list or kanban view of an action the one "Prepare for offline"
 * works on while it is shown.
 */
function useOfflinePreparation(controller) {
    const preparation = useService("offline_prepare");
    const { actionId } = controller.env.config;
    if (!actionId || controller.env.inDialog) {
        return;
    }
    const view = {
        actionId,
        resModel: controller.props.resModel,
        getContext: () => controller.props.context,
        getDomain: () => controller.model.root.domain,
        getOrderBy: () => controller.model.root.orderBy,
    };
    onMounted(() => preparation.setCurrentView(view));
    onWillUnmount(() => preparation.forgetView(view));
}

/**
 * The patch of the list and kanban controllers: offline, a record whose form
 * was never opened in this browser does not open (nor one opened through a
 * method), and "New" as `useNewRecordOffline` says; the view is the one
 * "Prepare for offline" works on; records whose local copy changed are loaded
 * again. A new object per patched class: `super` is bound to the object
 * patched with.
 *
 * @param {string} createMethod the controller's method behind its "New" button
 */
export function multiRecordControllerPatch(createMethod) {
    return {
        setup() {
            super.setup();
            this.offline = useOfflineAvailability();
            this.newRecordOffline = useNewRecordOffline(this);
            useOfflinePreparation(this);
            useReloadOnLocalCopyChanges(this);
        },

        async openRecord(record, ...args) {
            // Records opened through a method are refused as a button is
            // (webclient/actions/action_service_patch.js).
            const opensForm = !this.props.archInfo.openAction;
            if (opensForm && this.offline.isRecordFormUnavailable(record)) {
                return this.offline.notifyUnavailable();
            }
            return super.openRecord(record, ...args);
        },

        async [createMethod]() {
            if (this.newRecordOffline.isUnavailable) {
                return this.newRecordOffline.refuse();
            }
            return super[createMethod](...arguments);
        },

        async reloadChangedRecords({ records }) {
            const isShown = records.some((record) => record.model === this.props.resModel);
            if (isShown && !this.model.root.editedRecord) {
                await this.model.load();
            }
        },
    };
}
