/**
 * The sync client: sends the outbox to `/offline_mode/sync` when the server is
 * reachable, in order, in batches of at most `max_batch` changes.
 *
 * It starts by itself: when the connection returns, when a change is queued
 * while online, when the page opens with changes queued, and again after a
 * failure, with a backoff that grows to five minutes; "Sync now" (`syncNow`)
 * and a returning connection retry at once.
 *
 * One bad change never blocks the queue: the server answers each change on its
 * own, and when it refuses or fails a request as a whole, the batch is split
 * in halves until the change it cannot take is alone; that one becomes a sync
 * issue with the server's message and the others drain. A failure that says
 * nothing of the changes (no connection, a proxy error, an expired session)
 * blames none: the batch waits for the next attempt.
 *
 * Nothing lost, nothing twice:
 * - one tab syncs at a time: a Web Lock ("offline_mode_sync:<db>:<uid>") is
 *   held while sending; the other tabs wait for it to be free and look again
 *   (so a tab closed mid-sync is taken over), and follow through the tabs
 *   channel (tabs_channel.js). Without Web Locks (plain http outside
 *   localhost) each tab may send: the server answers a uuid it has seen with a
 *   replay, so nothing is applied twice, only sent twice;
 * - a crash or a closed tab mid-sync leaves the batch in the outbox, marked
 *   `sent`; the next sync sends it again with the same uuids, and the server
 *   answers what it already applied as a replay;
 * - a lost response (connection cut after the server committed) is the same
 *   case: the batch stays, the resend is a replay;
 * - only the server's answer, stored in one transaction (outbox `settle`),
 *   takes a change out of the outbox;
 * - while a request is out, the answers to the one before are stored and the
 *   next batch is taken (marked `sent`, from then on not discardable); it
 *   leaves only once the answer came, so the server applies the batches in
 *   order. A crash, a closed tab or a lost response then leaves up to two
 *   batches marked `sent`: both are sent again, answered as replays; a batch
 *   taken and not sent (the connection lost, the request before refused
 *   whole) is simply sent later.
 */

import { reactive, useState } from "@odoo/owl";
import { browser } from "@web/core/browser/browser";
import { _t } from "@web/core/l10n/translation";
import { ConnectionLostError, rpc, RPCError } from "@web/core/network/rpc";
import { registry } from "@web/core/registry";
import { user } from "@web/core/user";
import { Mutex } from "@web/core/utils/concurrency";
import { useService } from "@web/core/utils/hooks";
import { session } from "@web/session";
import { newUuid } from "./offline_change";
import { withResolvedIds } from "./outbox/merge_planning";
import { appliedCreations, batchPayloads, rejection } from "./sync_payload";

export const SYNC_URL = "/offline_mode/sync";
/** Waits between failed attempts; the last one repeats. */
export const RETRY_DELAYS_MS = [2000, 5000, 15000, 30000, 60000, 120000, 300000];
/** Each wait is drawn within ±20% of its delay, so that browsers do not retry in step. */
const RETRY_JITTER = 0.2;
const CLIENT_ID_KEY = "offline_mode.client_id";
/**
 * The server processed the request and refused it as a whole (too large) or
 * failed on it (an unexpected error): one of its changes may be the cause.
 */
const BATCH_REFUSED = "offline_mode.batch_refused";
const SYNC_FAILED = "offline_mode.sync_failed";

function isRefusedWhole(error) {
    return error instanceof RPCError && [BATCH_REFUSED, SYNC_FAILED].includes(error.data?.name);
}

/** The id of this browser profile for the server's ledger (one per profile, kept in localStorage). */
export function clientId() {
    let id = browser.localStorage.getItem(CLIENT_ID_KEY);
    if (!id) {
        id = newUuid();
        browser.localStorage.setItem(CLIENT_ID_KEY, id);
    }
    return id;
}

function syncLockName() {
    return `offline_mode_sync:${session.db}:${user.userId}`;
}

/**
 * Runs `work` holding the sync lock of this user; waits while another tab
 * holds it (when that tab is done, or closed, the work finds what is left).
 */
function withSyncLock(name, work) {
    const locks = browser.navigator.locks;
    return locks ? locks.request(name, work) : work();
}

export const offlineSyncService = {
    dependencies: ["offline_config", "offline_connectivity", "offline_outbox", "offline_tabs"],
    start(env, services) {
        const {
            offline_config: config,
            offline_connectivity: connectivity,
            offline_outbox: outbox,
            offline_tabs: tabs,
        } = services;
        const state = reactive({
            /** this tab or another one is sending changes */
            isSyncing: false,
            /** uuids being sent: they cannot be discarded until answered */
            inFlight: [],
            /** why the last attempt failed, until one succeeds */
            lastError: null,
            /** when the next attempt after a failure is due */
            retryAt: null,
            /** progress of the running sync: changes answered, out of those queued when it started */
            done: 0,
            total: 0,
        });
        if (!config.enabled) {
            return { state };
        }
        const lockName = syncLockName();
        const drains = new Mutex();
        /** the drain waiting for the running one, shared by whoever asks meanwhile */
        let waitingDrain = null;
        let attempt = 0;
        let retryTimer = null;

        function scheduleRetry() {
            browser.clearTimeout(retryTimer);
            const base = RETRY_DELAYS_MS[Math.min(attempt, RETRY_DELAYS_MS.length - 1)];
            const delay = Math.round(base * (1 + RETRY_JITTER * (2 * Math.random() - 1)));
            attempt++;
            state.retryAt = new Date(Date.now() + delay);
            retryTimer = browser.setTimeout(() => {
                state.retryAt = null;
                drainSoon();
            }, delay);
        }

        function hasChangesToSend() {
            return outbox.state.pendingCount > 0;
        }

        /** The payloads of a batch (sync_payload.js `batchPayloads`). */
        function payloadsOf(batch) {
            return batchPayloads(batch, (localId) => outbox.creationOf(localId)?.uuid);
        }

        /**
         * The next batch, at most `size` changes, without those in `excluded`
         * (in flight), marked sent, with its payloads made at once: while the
         * creations it may point to are still in the outbox. Its changes can
         * no longer be discarded from now on (`inFlight`), in any tab.
         */
        async function take(size, excluded = new Set()) {
            const batch = await outbox.takeBatch(size, excluded);
            if (batch.length) {
                const uuids = [...excluded, ...batch.map((change) => change.uuid)];
                state.inFlight = uuids;
                tabs.post({ type: "sending", uuids, done: state.done, total: state.total });
            }
            return { batch, ...payloadsOf(batch) };
        }

        /**
         * `next` with its payloads made again with the real ids of the
         * creations of `batch` that `results` say applied: the server then
         * need not look them up (it would: see docs/sync-api.md, virtual ids).
         */
        function withRealIds(next, batch, results) {
            const resolved = appliedCreations(batch, results);
            if (!Object.keys(resolved).length) {
                return next;
            }
            const resolvedBatch = next.batch.map((change) => withResolvedIds(change, resolved));
            return { batch: next.batch, ...payloadsOf(resolvedBatch) };
        }

        /** Stores the answers of a batch and tells the views and the other tabs. */
        async function settle(results) {
            const { applied, resolvedIds } = await outbox.settle(results);
            const synced = {
                records: applied.map(({ model, resId }) => ({ model, resId })),
                resolvedIds,
            };
            tabs.post({ type: "synced", ...synced });
            env.bus.trigger("OFFLINE_MODE:SYNCED", synced);
        }

        /**
         * Sends the outbox, batch after batch, each request after the answer
         * to the one before (the server applies them in order). While a
         * request is out, the answers to the one before are stored and the
         * next batch is taken, so that it leaves as soon as the answer comes.
         */
        async function sendBatches() {
            let batchSize = config.max_batch;
            state.done = 0;
            state.total = outbox.state.pendingCount;
            let next = await take(batchSize);
            let settling = null;
            try {
                while (!connectivity.status.isOffline && next.batch.length) {
                    const { batch, payloads, refused } = next;
                    const uuids = batch.map((change) => change.uuid);
                    const request = payloads.length
                        ? rpc(
                              SYNC_URL,
                              { client_id: clientId(), changes: payloads },
                              { silent: true }
                          )
                        : Promise.resolve({ results: [] });
                    const previous = settling;
                    const meanwhile = (async () => {
                        await previous;
                        return take(batchSize, new Set(uuids));
                    })();
                    meanwhile.catch(() => {}); // awaited below, whatever the request gives
                    let results;
                    let takenAgain = null;
                    try {
                        results = [...refused, ...(await request).results];
                    } catch (error) {
                        // Its batch waits (marked sent, it is sent later); a failure to
                        // store the answers before leaves them sent too: both are replays.
                        await meanwhile.catch(() => {});
                        if (!isRefusedWhole(error)) {
                            throw error;
                        }
                        if (payloads.length > 1) {
                            // The first half goes next; halving again finds the culprit
                            // in a number of requests that grows with log2 of the batch.
                            batchSize = Math.ceil(batch.length / 2);
                            settling = null;
                            next = await take(batchSize);
                            continue;
                        }
                        // A change the server will not take: a sync issue, never dropped.
                        const code =
                            error.data.name === BATCH_REFUSED ? "bad_request" : "validation";
                        results = [...refused, rejection(payloads[0].uuid, code, error.message)];
                        batchSize = config.max_batch;
                        // The batch taken meanwhile was of one change: a full one instead.
                        takenAgain = await take(batchSize, new Set(uuids));
                    }
                    next = takenAgain || (await meanwhile);
                    // The answered changes are still in the outbox: counted once.
                    state.total = Math.max(state.total, state.done + outbox.state.pendingCount);
                    state.done += results.length;
                    next = withRealIds(next, batch, results);
                    settling = settle(results);
                    const answered = new Set(results.map((result) => result.uuid));
                    if (!uuids.every((uuid) => answered.has(uuid))) {
                        // Sent again at once, it would be forever: wait as after any failure.
                        throw new Error(_t("The server's answer did not cover every change sent."));
                    }
                }
            } finally {
                await settling;
            }
        }

        async function drain() {
            await outbox.ready;
            if (connectivity.status.isOffline || !hasChangesToSend()) {
                return;
            }
            browser.clearTimeout(retryTimer);
            state.retryAt = null;
            await withSyncLock(lockName, async () => {
                if (connectivity.status.isOffline) {
                    return;
                }
                state.isSyncing = true;
                try {
                    await sendBatches();
                    attempt = 0;
                    state.lastError = null;
                } catch (error) {
                    const isConnectionLost = error instanceof ConnectionLostError;
                    state.lastError = isConnectionLost
                        ? _t("The server could not be reached.")
                        : error.message || String(error);
                    if (isConnectionLost) {
                        connectivity.confirmConnectionLost();
                    }
                    scheduleRetry();
                } finally {
                    state.isSyncing = false;
                    state.inFlight = [];
                    tabs.post({ type: "idle" });
                }
            });
        }

        /**
         * Starts draining; while a drain runs, one more follows it (changes
         * queued meanwhile may have missed it). Resolves when the drain it
         * started or scheduled is over.
         */
        function drainSoon() {
            waitingDrain ||= drains.exec(() => {
                waitingDrain = null;
                return drain();
            });
            return waitingDrain;
        }

        // What the tab that syncs tells the others.
        tabs.on("sending", (message) => {
            state.isSyncing = true;
            state.inFlight = message.uuids;
            state.done = message.done;
            state.total = message.total;
        });
        tabs.on("idle", () => {
            state.isSyncing = false;
            state.inFlight = [];
        });
        tabs.on("synced", (message) => {
            outbox.refresh().then(() => env.bus.trigger("OFFLINE_MODE:SYNCED", message));
        });
        env.bus.addEventListener("OFFLINE_MODE:CONNECTIVITY_CHANGED", ({ detail }) => {
            if (detail.isOnline) {
                attempt = 0;
                drainSoon();
            }
        });
        env.bus.addEventListener("OFFLINE_MODE:CHANGE_QUEUED", () => drainSoon());
        drainSoon();

        return {
            state,
            /** Tries at once: probes the server if offline, then sends what is queued. */
            async syncNow() {
                attempt = 0;
                if (connectivity.status.isOffline && !(await connectivity.probeNow())) {
                    return;
                }
                await drainSoon();
            },
        };
    },
};

/**
 * What the offline mode button shows: the phase, its label, and how many
 * changes wait or failed. Re-renders the component when any of them changes.
 */
export function useSyncStatus() {
    const connectivity = useState(useService("offline_connectivity").status);
    const outbox = useState(useService("offline_outbox").state);
    const sync = useState(useService("offline_sync").state);
    return {
        get pendingCount() {
            return outbox.pendingCount;
        },
        get failedCount() {
            return outbox.failedCount;
        },
        get isSyncing() {
            return sync.isSyncing;
        },
        get lastError() {
            return sync.lastError;
        },
        /** "offline", "syncing", "issues" or "synced" (nothing to show) */
        get phase() {
            if (connectivity.isOffline) {
                return "offline";
            }
            if (this.pendingCount && !sync.lastError) {
                return "syncing";
            }
            if (this.failedCount || this.pendingCount) {
                return "issues";
            }
            return "synced";
        },
        get label() {
            return {
                offline: _t("Working offline"),
                syncing:
                    sync.isSyncing && sync.total > 1
                        ? _t("Syncing %(done)s / %(total)s", { done: sync.done, total: sync.total })
                        : _t("Syncing"),
                issues: _t("Sync issues"),
                synced: "",
            }[this.phase];
        },
    };
}

registry.category("services").add("offline_sync", offlineSyncService);
