import { reactive } from "@odoo/owl";
import { browser } from "@web/core/browser/browser";
import { ConnectionLostError, RPCError, rpcBus } from "@web/core/network/rpc";
import { registry } from "@web/core/registry";

/** A route of this addon that answers 204 at once (controllers/main.py). */
const PING_URL = "/offline_mode/ping";

/** How long the first probe after a failed request may take before the server counts as lost. */
const CONFIRM_TIMEOUT_MS = 1500;
/** How long later probes may take: a slow answer still means the server is back. */
const PROBE_TIMEOUT_MS = 5000;
/** Delays between probes while offline: quick at first, then every 30 seconds. */
export const PROBE_DELAYS_MS = [1000, 2000, 4000, 8000, 15000, 30000];

/**
 * The reactive state of the connection: `isOnline`, since when it is lost,
 * when the next probe is due; and `isOffline`, what every part of offline mode
 * asks (read through `useState` in a component, it re-renders it).
 *
 * @param {boolean} [isOnline]
 */
export function connectivityStatus(isOnline = true) {
    return reactive({
        isOnline,
        offlineSince: isOnline ? null : new Date(),
        nextProbeAt: null,
        get isOffline() {
            return !this.isOnline;
        },
    });
}

/**
 * Whether the Odoo server can be reached (`status`, see connectivityStatus).
 *
 * Goes offline when a request fails for lack of a connection (ConnectionLostError
 * on the rpc bus) or the browser says it is offline, once a probe of the server
 * confirms it; then probes with backoff (and at once when the browser says it is
 * online again) until the server answers. Any successful request also brings it
 * back online.
 */
export const offlineConnectivityService = {
    dependencies: ["offline_config"],
    start(env, { offline_config: config }) {
        const status = connectivityStatus();
        if (!config.enabled) {
            return { status, confirmConnectionLost: async () => false, probeNow: async () => true };
        }

        let probeTimer = null;
        let attempt = 0;
        /** @type {Promise<boolean> | null} the running confirmation, shared by concurrent failures */
        let confirming = null;

        async function serverAnswers(timeoutMs) {
            const controller = new AbortController();
            const timer = browser.setTimeout(() => controller.abort(), timeoutMs);
            try {
                const response = await browser.fetch(PING_URL, {
                    cache: "no-store",
                    signal: controller.signal,
                });
                return response.ok;
            } catch {
                return false;
            } finally {
                browser.clearTimeout(timer);
            }
        }

        function setOnline(isOnline) {
            if (status.isOnline === isOnline) {
                return;
            }
            status.isOnline = isOnline;
            status.offlineSince = isOnline ? null : new Date();
            if (isOnline) {
                browser.clearTimeout(probeTimer);
                status.nextProbeAt = null;
                attempt = 0;
            }
            env.bus.trigger("OFFLINE_MODE:CONNECTIVITY_CHANGED", { isOnline });
        }

        function scheduleProbe() {
            browser.clearTimeout(probeTimer);
            const base = PROBE_DELAYS_MS[Math.min(attempt, PROBE_DELAYS_MS.length - 1)];
            // Jitter, so that the tabs of a user do not probe in step.
            const delay = base + Math.round(base * 0.2 * Math.random());
            attempt++;
            status.nextProbeAt = new Date(Date.now() + delay);
            probeTimer = browser.setTimeout(probe, delay);
        }

        async function probe() {
            if (await serverAnswers(PROBE_TIMEOUT_MS)) {
                setOnline(true);
            } else if (status.isOffline) {
                scheduleProbe();
            }
        }

        /**
         * Called when a request failed for lack of a connection. Resolves to
         * whether the client is now offline; concurrent calls share one probe.
         *
         * @returns {Promise<boolean>}
         */
        function confirmConnectionLost() {
            if (status.isOffline) {
                return Promise.resolve(true);
            }
            confirming ||= (async () => {
                const lost =
                    !browser.navigator.onLine || !(await serverAnswers(CONFIRM_TIMEOUT_MS));
                if (lost) {
                    setOnline(false);
                    scheduleProbe();
                }
                return lost;
            })().finally(() => (confirming = null));
            return confirming;
        }

        /** Probes at once (the user asked to retry, or the browser says it is back). */
        async function probeNow() {
            attempt = 0;
            browser.clearTimeout(probeTimer);
            await probe();
            return status.isOnline;
        }

        rpcBus.addEventListener("RPC:RESPONSE", ({ detail }) => {
            if (detail.error instanceof ConnectionLostError) {
                confirmConnectionLost();
            } else if (status.isOffline && (!detail.error || detail.error instanceof RPCError)) {
                // The server answered a request (even with an error): it is reachable.
                setOnline(true);
            }
        });
        browser.addEventListener("offline", () => confirmConnectionLost());
        browser.addEventListener("online", () => {
            if (status.isOffline) {
                probeNow();
            }
        });

        return { status, confirmConnectionLost, probeNow };
    },
};

registry.category("services").add("offline_connectivity", offlineConnectivityService);
