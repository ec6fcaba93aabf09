import { after, describe, expect, test } from "@odoo/hoot";
import { waitUntil } from "@odoo/hoot-dom";
import { advanceTime } from "@odoo/hoot-mock";
import { makeServerError, onRpc, patchWithCleanup } from "@web/../tests/web_test_helpers";
import { session } from "@web/session";
import { WRITE } from "@offline_mode/core/offline_change";
import { RETRY_DELAYS_MS } from "@offline_mode/core/sync_service";
import { tabsChannelName } from "@offline_mode/core/tabs_channel";
import { startOfflineMode } from "./offline_edit_test_helpers";

describe.current.tags("headless");

const NAME = { type: "char", string: "Name" };

function edit(outbox, resId, name) {
    return outbox.add({
        model: "res.partner",
        operation: WRITE,
        resId,
        values: { name },
        original: { name: "before" },
        fields: { name: NAME },
        recordName: name,
    });
}

function answer(changes, status = "applied", extra = {}) {
    return {
        results: changes.map((change) => ({
            uuid: change.uuid,
            status,
            res_id: change.res_id,
            replayed: false,
            ...extra,
        })),
        server_time: "2026-01-01 00:00:00",
    };
}

test("drains the outbox in order, in batches of at most max_batch, once the connection returns", async () => {
    const requests = [];
    onRpc("/offline_mode/sync", async (request) => {
        const { params } = await request.json();
        requests.push(params);
        return answer(params.changes);
    });
    const { outbox, sync, setOnline } = await startOfflineMode({ maxBatch: 2 });
    const queued = [];
    for (const resId of [11, 12, 13, 14, 15]) {
        queued.push(await edit(outbox, resId, `name ${resId}`));
    }
    expect(requests).toHaveLength(0);

    setOnline(true);
    await sync.syncNow();
    expect(requests.map((params) => params.changes.length)).toEqual([2, 2, 1]);
    expect(requests.flatMap((params) => params.changes.map((change) => change.uuid))).toEqual(
        queued.map((change) => change.uuid)
    );
    expect(requests[0].changes[0]).toEqual({
        uuid: queued[0].uuid,
        model: "res.partner",
        operation: "write",
        res_id: 11,
        values: { name: "name 11" },
        original: { name: "before" },
        made_at: queued[0].madeAt,
        force: false,
    });
    expect(new Set(requests.map((params) => params.client_id)).size).toBe(1);
    expect(outbox.state.changes).toEqual([]);
});

test("a response lost after the server applied the batch: the same uuids are sent again, as a replay", async () => {
    const received = [];
    let cut = true;
    onRpc(
        "/offline_mode/sync",
        async (request) => {
            const { params } = await request.json();
            received.push(params.changes.map((change) => change.uuid));
            if (cut) {
                throw new Error("connection cut after the server committed");
            }
            // A pure route answers the whole JSON-RPC response.
            return {
                jsonrpc: "2.0",
                id: 1,
                result: answer(params.changes, "applied", { replayed: true }),
            };
        },
        { pure: true }
    );
    const { outbox, sync, setOnline } = await startOfflineMode();
    const queued = await edit(outbox, 11, "new name");
    setOnline(true);
    await sync.syncNow();
    expect(outbox.state.changes.map((change) => [change.uuid, change.sent])).toEqual([
        [queued.uuid, true],
    ]);

    // A later edit of the record cannot join the change that may already be applied.
    setOnline(false);
    const later = await edit(outbox, 11, "newer name");
    expect(later.uuid).not.toBe(queued.uuid);

    cut = false;
    setOnline(true);
    await sync.syncNow();
    expect(received).toEqual([[queued.uuid], [queued.uuid, later.uuid]]);
    expect(outbox.state.changes).toEqual([]);
});

test("conflicts and rejections stay with the server's reasons; keeping mine sends it again with force", async () => {
    const forced = [];
    onRpc("/offline_mode/sync", async (request) => {
        const { params } = await request.json();
        return {
            results: params.changes.map((change) => {
                if (change.res_id === 11 && !change.force) {
                    const conflicts = [
                        {
                            field: "name",
                            label: "Name",
                            original: "before",
                            server: "theirs",
                            client: "mine",
                        },
                    ];
                    return {
                        uuid: change.uuid,
                        status: "conflict",
                        res_id: 11,
                        replayed: false,
                        conflicts,
                    };
                }
                if (change.force) {
                    forced.push(change.uuid);
                    return { uuid: change.uuid, status: "applied", res_id: 11, replayed: false };
                }
                const error = { code: "validation", message: "The name is too short." };
                return {
                    uuid: change.uuid,
                    status: "rejected",
                    res_id: change.res_id,
                    replayed: false,
                    error,
                };
            }),
            server_time: "2026-01-01 00:00:00",
        };
    });
    const { outbox, sync, setOnline } = await startOfflineMode();
    const conflicting = await edit(outbox, 11, "mine");
    const rejected = await edit(outbox, 12, "x");
    setOnline(true);
    await sync.syncNow();
    expect(outbox.state.changes.map((change) => [change.uuid, change.status])).toEqual([
        [conflicting.uuid, "conflict"],
        [rejected.uuid, "rejected"],
    ]);
    expect(outbox.state.changes[0].conflicts[0].server).toBe("theirs");
    expect(outbox.state.changes[1].error.message).toBe("The name is too short.");

    await outbox.keepMine(conflicting.uuid);
    await sync.syncNow();
    expect(forced).toEqual([conflicting.uuid]);
    expect(outbox.state.changes.map((change) => change.uuid)).toEqual([rejected.uuid]);
});

test("a record created offline is sent as a creation, and its later changes follow it by its real id", async () => {
    const requests = [];
    onRpc("/offline_mode/sync", async (request) => {
        const { params } = await request.json();
        requests.push(params.changes);
        return {
            results: params.changes.map((change) => ({
                uuid: change.uuid,
                status: "applied",
                res_id: change.operation === "create" ? 77 : change.res_id,
                replayed: false,
            })),
            server_time: "2026-01-01 00:00:00",
        };
    });
    const { env, outbox, sync, setOnline } = await startOfflineMode({ maxBatch: 1 });
    const creation = await outbox.add({
        model: "res.partner",
        operation: "create",
        values: { name: "Acme" },
        fields: { name: NAME },
        recordName: "Acme",
    });
    await outbox.add({
        model: "res.partner",
        operation: "archive",
        resId: creation.resId,
        recordName: "Acme",
    });
    const synced = [];
    env.bus.addEventListener("OFFLINE_MODE:SYNCED", ({ detail }) =>
        synced.push(detail.resolvedIds)
    );

    setOnline(true);
    await sync.syncNow();
    expect(requests[0]).toEqual([
        {
            uuid: creation.uuid,
            model: "res.partner",
            operation: "create",
            res_id: null,
            values: { name: "Acme" },
            made_at: creation.madeAt,
            force: false,
        },
    ]);
    // The second batch names the record by its real id: the server need not look the creation up.
    expect(requests[1][0].res_id).toBe(77);
    expect(synced[0]).toEqual({ [creation.resId]: 77 });
    expect(outbox.state.resolvedIds).toEqual({ [creation.resId]: 77 });
});

test("only one tab syncs: while another tab holds the sync lock nothing is sent, then this tab takes over", async () => {
    let requests = 0;
    onRpc("/offline_mode/sync", async (request) => {
        requests++;
        return answer((await request.json()).params.changes);
    });
    const { outbox, sync, setOnline } = await startOfflineMode();
    await edit(outbox, 11, "mine");

    let releaseOtherTab;
    await new Promise((resolve) => {
        navigator.locks.request(`offline_mode_sync:${session.db}:7`, () => {
            resolve();
            return new Promise((release) => (releaseOtherTab = release));
        });
    });
    setOnline(true);
    const syncing = sync.syncNow();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(requests).toBe(0);
    expect(outbox.state.changes).toHaveLength(1);

    releaseOtherTab();
    await syncing;
    expect(requests).toBe(1);
    expect(outbox.state.changes).toHaveLength(0);
});

test("another tab learns the outcome of a sync through the broadcast channel", async () => {
    onRpc("/offline_mode/sync", async (request) => answer((await request.json()).params.changes));
    const { env, outbox, sync, setOnline } = await startOfflineMode();
    await edit(outbox, 11, "mine");
    const otherTab = new BroadcastChannel(tabsChannelName(session.db, 7));
    after(() => otherTab.close());
    const messages = [];
    const allReceived = new Promise((resolve) => {
        otherTab.onmessage = ({ data }) => {
            messages.push(data.type);
            if (data.type === "idle") {
                resolve();
            }
        };
    });
    setOnline(true);
    await sync.syncNow();
    await allReceived;
    // The outbox's own messages ("changed") share the channel.
    expect(messages.filter((type) => type !== "changed")).toEqual(["sending", "synced", "idle"]);
    expect(env.services.offline_sync.state.isSyncing).toBe(false);
});

test("a failure is retried with backoff, and Sync now retries at once", async () => {
    let failures = 2;
    onRpc("/offline_mode/sync", async (request) => {
        if (failures > 0) {
            failures--;
            throw new Error("server hiccup");
        }
        return answer((await request.json()).params.changes);
    });
    // The jitter drawn in the middle of its range: the wait is the delay itself.
    patchWithCleanup(Math, { random: () => 0.5 });
    const { outbox, sync, setOnline } = await startOfflineMode();
    await edit(outbox, 11, "mine");
    setOnline(true);
    await waitUntil(() => failures === 1 && sync.state.retryAt, { timeout: 2000 });
    expect(sync.state.lastError).toInclude("server hiccup");

    // Backoff: nothing until the delay is over, then one more attempt.
    await advanceTime(RETRY_DELAYS_MS[0] - 100);
    expect(failures).toBe(1);
    await advanceTime(100);
    await waitUntil(() => failures === 0 && sync.state.retryAt, { timeout: 2000 });
    expect(outbox.state.changes).toHaveLength(1);

    await sync.syncNow();
    expect(sync.state.lastError).toBe(null);
    expect(outbox.state.changes).toEqual([]);
});

test("one change the server always fails on is isolated: the 50 others drain, in few requests", async () => {
    const requests = [];
    let poison;
    onRpc("/offline_mode/sync", async (request) => {
        const { params } = await request.json();
        requests.push(params.changes.length);
        if (params.changes.some((change) => change.uuid === poison)) {
            throw makeServerError({
                errorName: "offline_mode.sync_failed",
                message: "The server could not process the synchronisation",
            });
        }
        return answer(params.changes);
    });
    const { outbox, sync, setOnline } = await startOfflineMode();
    for (let resId = 1; resId <= 51; resId++) {
        const change = await edit(outbox, resId, `name ${resId}`);
        if (resId === 37) {
            poison = change.uuid;
        }
    }
    setOnline(true);
    await sync.syncNow();

    expect(outbox.state.changes.map((change) => change.uuid)).toEqual([poison]);
    expect(outbox.state.changes[0].status).toBe("rejected");
    expect(outbox.state.changes[0].error.message).toInclude("could not process");
    expect(sync.state.lastError).toBe(null);
    // Halving from 51 isolates it in 2 * ceil(log2(51)) requests at most.
    expect(requests.length).toBeLessThan(2 * Math.ceil(Math.log2(51)) + 1);
    expect(requests.reduce((sum, size) => sum + size, 0)).toBeLessThan(51 * 4);

    // Sending again never repeats the isolation: the issue waits for the user.
    requests.length = 0;
    await sync.syncNow();
    expect(requests).toEqual([]);
});

test("a failure that says nothing of the changes blames none of them", async () => {
    let fail = true;
    onRpc("/offline_mode/sync", async (request) => {
        if (fail) {
            throw makeServerError({
                errorName: "odoo.http.SessionExpiredException",
                message: "Session expired",
            });
        }
        return answer((await request.json()).params.changes);
    });
    const { outbox, sync, setOnline } = await startOfflineMode();
    await edit(outbox, 11, "one");
    await edit(outbox, 12, "two");
    setOnline(true);
    await waitUntil(() => sync.state.retryAt, { timeout: 2000 });
    expect(outbox.state.changes.map((change) => change.status)).toEqual(["pending", "pending"]);
    expect(sync.state.lastError).toInclude("Session expired");

    fail = false;
    await sync.syncNow();
    expect(outbox.state.changes).toEqual([]);
});

test("an answer missing a change is waited on like a failure, never resent in a loop", async () => {
    let requests = 0;
    onRpc("/offline_mode/sync", async (request) => {
        requests++;
        return answer((await request.json()).params.changes.slice(1));
    });
    const { outbox, sync, setOnline } = await startOfflineMode();
    await edit(outbox, 11, "one");
    await edit(outbox, 12, "two");
    setOnline(true);
    await waitUntil(() => sync.state.retryAt, { timeout: 2000 });
    expect(requests).toBe(1);
    expect(outbox.state.changes).toHaveLength(1);
    expect(sync.state.lastError).toInclude("did not cover");
});

test("a long sync tells its progress", async () => {
    const seen = [];
    const { outbox, sync, setOnline } = await startOfflineMode({ maxBatch: 2 });
    onRpc("/offline_mode/sync", async (request) => {
        seen.push(`${sync.state.done}/${sync.state.total}`);
        return answer((await request.json()).params.changes);
    });
    for (const resId of [11, 12, 13, 14, 15]) {
        await edit(outbox, resId, `name ${resId}`);
    }
    setOnline(true);
    await sync.syncNow();
    expect(seen).toEqual(["0/5", "2/5", "4/5"]);
});
