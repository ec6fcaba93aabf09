import { registry } from "@web/core/registry";
import { session } from "@web/session";

/**
 * The offline mode settings the server sent with the session (enabled,
 * storage_cap_mb, cache_expiry_days, conflict_policy, max_batch, ...).
 * Users who get none (portal, public) have offline mode disabled.
 */
export const offlineConfigService = {
    start() {
        return Object.freeze({ ...(session.offline_mode || { enabled: false }) });
    },
};

registry.category("services").add("offline_config", offlineConfigService);
