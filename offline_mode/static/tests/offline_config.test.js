import { describe, expect, test } from "@odoo/hoot";
import { getService, makeMockEnv, patchWithCleanup } from "@web/../tests/web_test_helpers";
import { session } from "@web/session";

describe.current.tags("headless");

test("exposes the settings the server sent with the session", async () => {
    const settings = {
        enabled: true,
        storage_cap_mb: 512,
        cache_expiry_days: 7,
        conflict_policy: "last_write_wins",
        max_batch: 100,
    };
    patchWithCleanup(session, { offline_mode: settings });
    await makeMockEnv();
    expect(getService("offline_config")).toEqual(settings);
    expect(Object.isFrozen(getService("offline_config"))).toBe(true);
});

test("is disabled when the session carries no offline settings", async () => {
    patchWithCleanup(session, { offline_mode: undefined });
    await makeMockEnv();
    expect(getService("offline_config").enabled).toBe(false);
});
