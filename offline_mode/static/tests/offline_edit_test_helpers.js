import { after } from "@odoo/hoot";
import {
    contains,
    getService,
    makeMockEnv,
    mockService,
    patchWithCleanup,
} from "@web/../tests/web_test_helpers";
import { session } from "@web/session";
import { connectivityStatus } from "@offline_mode/core/connectivity_service";
import { CREATE, newUuid, PENDING, WRITE } from "@offline_mode/core/offline_change";
import { serveTestKey } from "./offline_key_test_helpers";
import { deleteDatabases, waitFor } from "./offline_test_helpers";

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
    const status = connectivityStatus(online);
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

/** Types `text` in the relational field `fieldName` and waits until `choice` is offered. */
export async function typeUntilOffered(fieldName, text, choice) {
    await contains(`.o_field_widget[name=${fieldName}] input`).edit(text, { confirm: false });
    await waitFor(`.o-autocomplete--dropdown-item:contains(${choice})`);
}

// Changes as the outbox queues them.

export const NAME = { type: "char", string: "Name" };
export const PHONE = { type: "char", string: "Phone" };
export const PARENT = { type: "many2one", string: "Related Company" };

let lastSeq = 0;

/** The next queue position (`seq`) of a change made by a test. */
export function nextSeq() {
    return ++lastSeq;
}

/** A queued change of a partner, pending; `values` sets or overrides any member. */
export function change(values) {
    return {
        uuid: newUuid(),
        seq: nextSeq(),
        model: "res.partner",
        values: {},
        original: {},
        fields: {},
        recordName: "",
        status: PENDING,
        sent: false,
        force: false,
        error: null,
        conflicts: null,
        ...values,
    };
}

/** An edit of partner `resId`, not queued yet (no `seq`). */
export function edit(resId, values, original, fields = { name: NAME, phone: PHONE }) {
    return change({ operation: WRITE, resId, values, original, fields, seq: undefined });
}

/** The members of `actual` that `expected` names. */
export function subset(actual, expected) {
    return Object.fromEntries(Object.keys(expected).map((key) => [key, actual?.[key]]));
}

/** The creation of a partner named `name`, with local id `resId`; `values` overrides members. */
export function creation(resId, name, values = {}) {
    return change({
        operation: CREATE,
        resId,
        values: { name },
        fields: { name: NAME },
        ...values,
    });
}
