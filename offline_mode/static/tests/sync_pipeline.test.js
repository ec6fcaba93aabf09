import { describe, expect, test } from "@odoo/hoot";
import { waitUntil } from "@odoo/hoot-dom";
import { onRpc } from "@web/../tests/web_test_helpers";
import { WRITE } from "@offline_mode/core/offline_change";
import { NAME, startOfflineMode } from "./offline_edit_test_helpers";

describe.current.tags("headless");

function edit(outbox, resId) {
    return outbox.add({
        model: "res.partner",
        operation: WRITE,
        resId,
        values: { name: `name ${resId}` },
        original: { name: "before" },
        fields: { name: NAME },
        recordName: `name ${resId}`,
    });
}

function applied(changes) {
    return {
        results: changes.map((change) => ({
            uuid: change.uuid,
            status: "applied",
            res_id: change.res_id,
            replayed: false,
        })),
        server_time: "2026-01-01 00:00:00",
    };
}

test("while a batch is out the next one is taken, not discardable, and leaves only after the answer", async () => {
    const requests = [];
    let answerFirst;
    onRpc("/offline_mode/sync", async (request) => {
        const { params } = await request.json();
        requests.push(params.changes.map((change) => change.uuid));
        if (requests.length === 1) {
            await new Promise((resolve) => (answerFirst = resolve));
        }
        return applied(params.changes);
    });
    const { outbox, sync, setOnline } = await startOfflineMode({ maxBatch: 2 });
    const queued = [];
    for (const resId of [11, 12, 13, 14]) {
        queued.push((await edit(outbox, resId)).uuid);
    }
    setOnline(true);
    const syncing = sync.syncNow();
    await waitUntil(() => sync.state.inFlight.length === 4);
    expect([...sync.state.inFlight]).toEqual(queued);
    expect(requests).toEqual([queued.slice(0, 2)]);

    answerFirst();
    await syncing;
    expect(requests).toEqual([queued.slice(0, 2), queued.slice(2)]);
    expect(outbox.state.changes).toEqual([]);
});

test("the connection lost while a batch is out: both batches are sent again under their uuids", async () => {
    const requests = [];
    let cut = true;
    onRpc(
        "/offline_mode/sync",
        async (request) => {
            const { params } = await request.json();
            requests.push(params.changes.map((change) => change.uuid));
            if (cut) {
                cut = false;
                throw new Error("connection cut after the server committed");
            }
            const answer = applied(params.changes);
            answer.results.forEach((result) => (result.replayed = true));
            return { jsonrpc: "2.0", id: 1, result: answer };
        },
        { pure: true }
    );
    const { outbox, sync, setOnline } = await startOfflineMode({ maxBatch: 2 });
    const queued = [];
    for (const resId of [11, 12, 13]) {
        queued.push((await edit(outbox, resId)).uuid);
    }
    setOnline(true);
    await sync.syncNow();
    expect(outbox.state.changes.map((change) => [change.uuid, change.sent])).toEqual([
        [queued[0], true],
        [queued[1], true],
        [queued[2], true],
    ]);

    // A later edit of a record whose change was sent is a change of its own.
    setOnline(false);
    const later = await edit(outbox, 13);
    expect(later.uuid).not.toBe(queued[2]);
    setOnline(true);
    await sync.syncNow();
    expect(requests).toEqual([queued.slice(0, 2), queued.slice(0, 2), [queued[2], later.uuid]]);
    expect(outbox.state.changes).toEqual([]);
});
