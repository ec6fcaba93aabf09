import { onMounted, onWillUnmount, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { useService } from "@web/core/utils/hooks";
import { formTag } from "./cache_key";

export function notStoredText() {
    return _t("Not available offline: it was never opened in this browser while online.");
}

export function needsServerText() {
    return _t("This needs a connection to the server. Try again once you are back online.");
}

/** The tooltip of everything grayed out offline. */
export function notAvailableOfflineText() {
    return _t("Not available offline");
}

/**
 * For components that gray out what cannot be served offline: whether the
 * client is offline, and whether answers carrying a tag (see cache_key.js) are
 * stored. Both are read so that the component re-renders when they change.
 * Nothing is looked up while online.
 */
export function useOfflineAvailability() {
    const readCache = useService("offline_read_cache");
    const notification = useService("notification");
    const status = useState(useService("offline_connectivity").status);
    const availability = useState(readCache.availability);
    const offline = {
        get isOffline() {
            return !status.isOnline;
        },
        /** @param {string} tag */
        isAvailable(tag) {
            readCache.lookUp(tag);
            return availability[tag] !== false;
        },
        /** Whether the form of a record of a list or kanban cannot be opened now. */
        isRecordFormUnavailable(record) {
            return (
                offline.isOffline &&
                Boolean(record.resId) &&
                !offline.isAvailable(formTag(record.resModel, record.resId))
            );
        },
        /** Tells the user that what they clicked was never stored in this browser. */
        notifyUnavailable() {
            notification.add(notStoredText(), { type: "warning" });
        },
        /** Tells the user that what they clicked needs the server. */
        notifyNeedsServer() {
            notification.add(needsServerText(), { type: "warning" });
        },
    };
    return offline;
}

/**
 * Makes the list or kanban view of an action the one "Prepare for offline"
 * works on while it is shown.
 *
 * @param {import("@web/views/list/list_controller").ListController} controller
 */
export function useOfflinePreparation(controller) {
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
 * The patch of list and kanban controllers: offline, a record whose form was
 * never opened in this browser does not open (nor one opened through a method); the view is the one "Prepare for
 * offline" works on. A new object per patched class: `super` is bound to the
 * object patched with.
 */
export function offlineControllerPatch() {
    return {
        setup() {
            super.setup();
            this.offline = useOfflineAvailability();
            useOfflinePreparation(this);
        },

        async openRecord(record, ...args) {
            // Records opened through a method are refused as a button is (action_service_patch.js).
            const opensForm = !this.props.archInfo.openAction;
            if (opensForm && this.offline.isRecordFormUnavailable(record)) {
                return this.offline.notifyUnavailable();
            }
            return super.openRecord(record, ...args);
        },
    };
}
