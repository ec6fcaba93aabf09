import { describe, expect, test } from "@odoo/hoot";
import { advanceTime, animationFrame } from "@odoo/hoot-mock";
import { getService, makeMockEnv, onRpc, patchWithCleanup } from "@web/../tests/web_test_helpers";
import { ConnectionLostError, rpc, rpcBus } from "@web/core/network/rpc";
import { session } from "@web/session";
import { PROBE_DELAYS_MS } from "@offline_mode/core/connectivity_service";
import { cutNetwork, defineOfflineModeTestSetup, restoreNetwork } from "./offline_test_helpers";

describe.current.tags("headless");
defineOfflineModeTestSetup();

test("a request failing for lack of connection puts the client offline once a probe fails too", async () => {
    onRpc("/some/route", () => true);
    await makeMockEnv();
    const { status } = getService("offline_connectivity");
    expect(status.isOffline).toBe(false);
    cutNetwork();
    await expect(rpc("/some/route")).rejects.toThrow(ConnectionLostError);
    expect(status.isOffline).toBe(true);
    expect(status.offlineSince).toBeInstanceOf(Date);
});

test("a lost connection that the probe does not confirm leaves the client online", async () => {
    onRpc("/offline_mode/ping", () => expect.step("ping") || {}, { pure: true });
    await makeMockEnv();
    const connectivity = getService("offline_connectivity");
    rpcBus.trigger("RPC:RESPONSE", {
        data: { params: {} },
        settings: {},
        error: new ConnectionLostError("/x"),
    });
    expect(await connectivity.confirmConnectionLost()).toBe(false);
    expect(connectivity.status.isOnline).toBe(true);
    // Concurrent failures share one probe.
    expect.verifySteps(["ping"]);
});

test("probes with backoff and comes back online when the server answers", async () => {
    let pings = 0;
    onRpc("/offline_mode/ping", () => ++pings && {}, { pure: true });
    await makeMockEnv();
    const connectivity = getService("offline_connectivity");
    cutNetwork();
    expect(await connectivity.confirmConnectionLost()).toBe(true);

    // Each delay is the base delay plus up to 20% of jitter.
    await advanceTime(PROBE_DELAYS_MS[0] * 1.2 + 1);
    await advanceTime(PROBE_DELAYS_MS[1] * 1.2 + 1);
    expect(connectivity.status.isOnline).toBe(false);
    expect(connectivity.status.nextProbeAt).toBeInstanceOf(Date);

    restoreNetwork();
    await advanceTime(PROBE_DELAYS_MS[2] * 1.2 + 1);
    await animationFrame();
    expect(connectivity.status.isOnline).toBe(true);
    expect(connectivity.status.offlineSince).toBe(null);
    expect(pings).toBe(1);
});

test("the browser's offline and online events are followed, checked against the server", async () => {
    await makeMockEnv();
    const { status } = getService("offline_connectivity");
    cutNetwork();
    window.dispatchEvent(new Event("offline"));
    await animationFrame();
    await animationFrame();
    expect(status.isOnline).toBe(false);

    // Still unreachable: the "online" event alone is not enough.
    window.dispatchEvent(new Event("online"));
    await animationFrame();
    expect(status.isOnline).toBe(false);

    restoreNetwork();
    window.dispatchEvent(new Event("online"));
    await animationFrame();
    await animationFrame();
    expect(status.isOnline).toBe(true);
});

test("any answer of the server brings the client back online", async () => {
    await makeMockEnv();
    const connectivity = getService("offline_connectivity");
    cutNetwork();
    await connectivity.confirmConnectionLost();
    expect(connectivity.status.isOnline).toBe(false);
    rpcBus.trigger("RPC:RESPONSE", { data: { params: {} }, settings: {}, result: true });
    expect(connectivity.status.isOnline).toBe(true);
});

test("stays online when offline mode is disabled", async () => {
    patchWithCleanup(session, { offline_mode: { enabled: false } });
    onRpc("/some/route", () => true);
    await makeMockEnv();
    cutNetwork();
    await expect(rpc("/some/route")).rejects.toThrow(ConnectionLostError);
    expect(getService("offline_connectivity").status.isOnline).toBe(true);
});
