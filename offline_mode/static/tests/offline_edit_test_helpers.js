import { after } from "@odoo/hoot";
import { reactive } from "@odoo/owl";
import {
    getService,
    makeMockEnv,
    mockService,
    patchWithCleanup,
} from "@web/../tests/web_test_helpers";
import { session } from "@web/session";
import { newUuid } from "@offline_mode/core/offline_change";
import { serveTestKey } from "./offline_key_test_helpers";

export function deleteDatabases(names) {
    return Promise.all(
        names.map(
            (name) =>
                new Promise((resolve) => {
                    const request = indexedDB.deleteDatabase(name);
                    request.onsuccess = request.onerror = request.onblocked = resolve;
                })
        )
    );
}

/**
 * Offline mode on, browser databases of the test's own (deleted after it), and
 * a connection the test cuts and restores with `setOnline` (the client starts
 * offline). Call before the environment is made; `start` makes it.
 *
 * @param {{ maxBatch?: number, online?: boolean }} [options]
 */
export function setupOfflineMode({ maxBatch = 500, online = false } = {}) {
    patchWithCleanup(session, {
        db: `test_${newUuid()}`,
        offline_mode: {
            enabled: true,
            storage_cap_mb: 10,
            cache_expiry_days: 0,
            conflict_policy: "ask",
            max_batch: maxBatch,
        },
    });
    after(() =>
        deleteDatabases([`offline_mode_outbox:${session.db}:7`, `offline_mode:${session.db}:7`])
    );
    serveTestKey();
    const status = reactive({
        isOnline: online,
        offlineSince: online ? null : new Date(),
        nextProbeAt: null,
    });
    const connection = {
        env: null,
        setOnline(isOnline) {
            if (status.isOnline !== isOnline) {
                status.isOnline = isOnline;
                status.offlineSince = isOnline ? null : new Date();
                connection.env.bus.trigger("OFFLINE_MODE:CONNECTIVITY_CHANGED", { isOnline });
            }
        },
    };
    mockService("offline_connectivity", (env) => {
        connection.env = env;
        return {
            status,
            confirmConnectionLost: async () => {
                connection.setOnline(false);
                return true;
            },
            probeNow: async () => status.isOnline,
        };
    });
    return connection;
}

/** `setupOfflineMode` and a mock environment, with the services tests use. */
export async function startOfflineMode(options) {
    const { setOnline } = setupOfflineMode(options);
    const env = await makeMockEnv();
    return {
        env,
        setOnline,
        outbox: getService("offline_outbox"),
        sync: getService("offline_sync"),
    };
}
