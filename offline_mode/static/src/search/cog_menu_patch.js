import { patch } from "@web/core/utils/patch";
import { ActionMenus } from "@web/search/action_menus/action_menus";
import { notAvailableOfflineText, useOfflineAvailability } from "../core/offline_hooks";

/**
 * Entries of the views' own Actions menu that need the server: exporting,
 * duplicating, adding a property. (Archiving, unarchiving and deleting work
 * offline.)
 */
const SERVER_STATIC_ITEMS = new Set(["export", "duplicate", "addPropertyFieldValue"]);

/**
 * Offline, the reports, the actions bound to the model (server actions, mail
 * and merge wizards, links) and the entries in SERVER_STATIC_ITEMS of the cog
 * menu are grayed out: they all need the server.
 */
patch(ActionMenus.prototype, {
    setup() {
        super.setup();
        this.offline = useOfflineAvailability();
    },

    isItemUnavailableOffline(item) {
        const needsServer = Boolean(item.action || item.url || SERVER_STATIC_ITEMS.has(item.key));
        return this.offline.isOffline && needsServer;
    },

    async onItemSelected(item) {
        if (this.isItemUnavailableOffline(item)) {
            return this.offline.notifyNeedsServer();
        }
        return super.onItemSelected(item);
    },

    async loadPrintItems() {
        if (!this.offline.isOffline) {
            return super.loadPrintItems();
        }
        // Which reports apply to the selection is the server's to say.
        this.state.printItems = (this.props.items.print || []).map((action) => ({
            action,
            class: "o_menu_item",
            description: action.name,
            key: action.id,
        }));
    },

    offlineItemClass(item) {
        return this.isItemUnavailableOffline(item)
            ? "o_menu_item o_offline_unavailable"
            : "o_menu_item";
    },

    offlineItemAttrs(item) {
        return this.isItemUnavailableOffline(item)
            ? { "data-tooltip": notAvailableOfflineText() }
            : {};
    },
});
