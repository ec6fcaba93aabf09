import { Component, useState } from "@odoo/owl";
import { Dropdown } from "@web/core/dropdown/dropdown";
import { DropdownItem } from "@web/core/dropdown/dropdown_item";
import { _t } from "@web/core/l10n/translation";
import { formatDateTime } from "@web/core/l10n/dates";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { useSyncStatus } from "../../core/sync_service";
import { OfflineChanges } from "../offline_changes/offline_changes";

const { DateTime } = luxon;

/**
 * The offline mode button of the top bar: "Working offline" while the server
 * cannot be reached, with a dropdown that explains what still works and lets
 * the user retry at once. It stays while changes made offline wait for the
 * server ("Syncing") or were refused by it ("Sync issues"); its dropdown lists
 * the changes (OfflineChanges). While "Prepare for offline" runs, its progress
 * shows in its place.
 */
export class OfflineSystray extends Component {
    static template = "offline_mode.OfflineSystray";
    static components = { Dropdown, DropdownItem, OfflineChanges };
    static props = {};

    setup() {
        this.connectivity = useService("offline_connectivity");
        this.notification = useService("notification");
        this.status = useState(this.connectivity.status);
        this.preparation = useState(useService("offline_prepare").state);
        this.shell = useState(useService("offline_shell").state);
        this.state = useState({ isRetrying: false });
        this.syncStatus = useSyncStatus();
    }

    get togglerIconClass() {
        return {
            offline: "fa-chain-broken",
            syncing: "fa-refresh fa-spin text-info",
            issues: "fa-exclamation-triangle text-danger",
        }[this.syncStatus.phase];
    }

    /** Changes not on the server yet, shown on the button. */
    get unsyncedCount() {
        return this.syncStatus.pendingCount + this.syncStatus.failedCount;
    }

    get offlineSince() {
        return formatDateTime(DateTime.fromJSDate(this.status.offlineSince), {
            showSeconds: false,
        });
    }

    get prepareTooltip() {
        return _t("Needs the server: prepare from the user menu before the network drops.");
    }

    async retry() {
        this.state.isRetrying = true;
        try {
            if (!(await this.connectivity.probeNow())) {
                this.notification.add(_t("The server still cannot be reached."), {
                    type: "warning",
                });
            }
        } finally {
            this.state.isRetrying = false;
        }
    }
}

registry.category("systray").add(
    "offline_mode.offline_systray",
    {
        Component: OfflineSystray,
        isDisplayed: (env) => env.services.offline_config.enabled,
    },
    // Leftmost: the state of the connection comes before the other items.
    { sequence: 110 }
);
