import { patch } from "@web/core/utils/patch";
import { ViewButton } from "@web/views/view_button/view_button";
import { actionTag } from "../core/cache_key";
import { notAvailableOfflineText, useOfflineAvailability } from "../core/offline_hooks";

/**
 * Offline, buttons that run a server method are grayed out and do nothing, as
 * are buttons opening an action never loaded in this browser.
 */
patch(ViewButton.prototype, {
    setup() {
        super.setup();
        this.offline = useOfflineAvailability();
    },

    get isUnavailableOffline() {
        if (!this.offline.isOffline || this.props.onClick) {
            return false;
        }
        const { type, name } = this.clickParams;
        if (type === "object") {
            return true;
        }
        return type === "action" && !this.offline.isAvailable(actionTag(name));
    },

    get offlineTooltip() {
        return this.isUnavailableOffline ? notAvailableOfflineText() : false;
    },

    get hasBigTooltip() {
        return !this.isUnavailableOffline && super.hasBigTooltip;
    },

    getClassName() {
        const className = super.getClassName();
        return this.isUnavailableOffline ? `${className} o_offline_unavailable` : className;
    },

    onClick(ev) {
        if (this.isUnavailableOffline) {
            ev?.preventDefault();
            return this.clickParams.type === "object"
                ? this.offline.notifyNeedsServer()
                : this.offline.notifyUnavailable();
        }
        return super.onClick(ev);
    },
});
