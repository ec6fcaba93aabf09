import { patch } from "@web/core/utils/patch";
import { ControlPanel } from "@web/search/control_panel/control_panel";
import { viewTag } from "../core/cache_key";
import { notAvailableOfflineText, useOfflineAvailability } from "../core/offline_hooks";

/** Offline, the view switcher grays out the views of the action that never showed data. */
patch(ControlPanel.prototype, {
    setup() {
        super.setup();
        this.offline = useOfflineAvailability();
    },

    isViewUnavailableOffline(viewType) {
        const { actionId, viewType: currentViewType } = this.env.config;
        return (
            this.offline.isOffline &&
            viewType !== currentViewType &&
            !(actionId && this.offline.isAvailable(viewTag(actionId, viewType)))
        );
    },

    viewSwitcherTooltip(view) {
        return this.isViewUnavailableOffline(view.type) ? notAvailableOfflineText() : view.name;
    },

    switchView(viewType) {
        if (this.isViewUnavailableOffline(viewType)) {
            return this.offline.notifyUnavailable();
        }
        return super.switchView(viewType);
    },
});
