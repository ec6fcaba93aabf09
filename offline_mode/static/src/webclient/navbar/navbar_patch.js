import { patch } from "@web/core/utils/patch";
import { NavBar } from "@web/webclient/navbar/navbar";
import { actionTag } from "../../core/cache_key";
import { notAvailableOfflineText, useOfflineAvailability } from "../../core/offline_hooks";

/**
 * Offline, menus whose action was never loaded in this browser (or has "Data
 * caching" off) are grayed out and do nothing. An app stays usable when one of
 * its menus can be opened: selecting it opens the first such menu.
 */
patch(NavBar.prototype, {
    setup() {
        super.setup();
        this.offline = useOfflineAvailability();
    },

    /**
     * The menu to open instead of `menu` offline: itself when its action is
     * stored, else its first descendant whose action is; null when none is.
     */
    offlineMenuTarget(menu) {
        if (menu.actionID && this.offline.isAvailable(actionTag(menu.actionID))) {
            return menu;
        }
        for (const child of this.menuService.getMenuAsTree(menu.id).childrenTree || []) {
            const target = this.offlineMenuTarget(child);
            if (target) {
                return target;
            }
        }
        return null;
    },

    isMenuUnavailableOffline(menu) {
        return this.offline.isOffline && !this.offlineMenuTarget(menu);
    },

    offlineMenuTooltip(menu) {
        return this.isMenuUnavailableOffline(menu) ? notAvailableOfflineText() : false;
    },

    onNavBarDropdownItemSelection(menu) {
        if (menu && this.offline.isOffline) {
            const target = this.offlineMenuTarget(menu);
            if (!target) {
                return this.offline.notifyUnavailable();
            }
            menu = target;
        }
        return super.onNavBarDropdownItemSelection(menu);
    },

    async _onMenuClicked(menu) {
        if (this.offline.isOffline) {
            const target = this.offlineMenuTarget(menu);
            if (!target) {
                return this.offline.notifyUnavailable();
            }
            menu = target;
        }
        return super._onMenuClicked(menu);
    },
});
