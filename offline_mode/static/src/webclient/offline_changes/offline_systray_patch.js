import { patch } from "@web/core/utils/patch";
import { OfflineSystray } from "../offline_systray/offline_systray";
import { useSyncStatus } from "../../core/sync_service";
import { OfflineChanges } from "./offline_changes";

/**
 * The offline mode button also stays while changes made offline wait for the
 * server ("Syncing") or were refused by it ("Sync issues"); its dropdown lists
 * the changes.
 */
patch(OfflineSystray, { components: { ...OfflineSystray.components, OfflineChanges } });

patch(OfflineSystray.prototype, {
    setup() {
        super.setup();
        this.syncStatus = useSyncStatus();
    },

    get togglerIconClass() {
        return {
            offline: "fa-chain-broken",
            syncing: "fa-refresh fa-spin text-info",
            issues: "fa-exclamation-triangle text-danger",
        }[this.syncStatus.phase];
    },

    /** Changes not on the server yet, shown on the button. */
    get unsyncedCount() {
        return this.syncStatus.pendingCount + this.syncStatus.failedCount;
    },
});
