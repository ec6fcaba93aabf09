import { useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { useService } from "@web/core/utils/hooks";
import { formTag } from "./cache_key";
import { isLocalId } from "./offline_change";

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
            return status.isOffline;
        },
        /** @param {string} tag */
        isAvailable(tag) {
            readCache.lookUp(tag);
            return availability[tag] !== false;
        },
        /**
         * Whether the form of a record of a list or kanban cannot be opened now.
         * Records created offline are not in the read cache, yet their form
         * opens offline (the local copy serves it): never unavailable.
         */
        isRecordFormUnavailable(record) {
            return (
                offline.isOffline &&
                Boolean(record.resId) &&
                !isLocalId(record.resId) &&
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
