import { describe, expect, test } from "@odoo/hoot";
import { CREATE, PENDING } from "@offline_mode/core/offline_change";
import { toSyncPayload } from "@offline_mode/core/sync_payload";
import { planEnqueue } from "@offline_mode/core/outbox/merge_planning";
import { change, creation, edit, nextSeq, PARENT, subset } from "./offline_edit_test_helpers";

describe.current.tags("headless");

/** The queue after applying a plan, as the store does (new changes get the next seq). */
function applyPlan(queue, plan) {
    const removed = new Set(plan.remove);
    const byUuid = new Map(
        queue.filter((queued) => !removed.has(queued.uuid)).map((queued) => [queued.uuid, queued])
    );
    for (const put of plan.put) {
        byUuid.set(put.uuid, { ...put, seq: put.seq ?? nextSeq() });
    }
    return [...byUuid.values()].sort((a, b) => a.seq - b.seq);
}

function enqueue(queue, newChange) {
    return applyPlan(queue, planEnqueue(queue, newChange));
}

describe("merging", () => {
    test("edits of one record merge into one change that keeps the first original values", () => {
        let queue = enqueue([], edit(7, { name: "B" }, { name: "A" }));
        queue = enqueue(queue, edit(7, { name: "C", phone: "555" }, { name: "B", phone: false }));
        expect(queue).toHaveLength(1);
        expect(queue[0].values).toEqual({ name: "C", phone: "555" });
        expect(queue[0].original).toEqual({ name: "A", phone: false });
    });

    test("an edit back to the original value drops that field, and a change left empty", () => {
        let queue = enqueue([], edit(7, { name: "B", phone: "555" }, { name: "A", phone: false }));
        queue = enqueue(queue, edit(7, { name: "A" }, { name: "B" }));
        expect(queue[0].values).toEqual({ phone: "555" });
        queue = enqueue(queue, edit(7, { phone: false }, { phone: "555" }));
        expect(queue).toHaveLength(0);
    });

    test("edits of different records stay apart, in the order they were made", () => {
        let queue = enqueue([], edit(7, { name: "B" }, { name: "A" }));
        queue = enqueue(queue, edit(8, { name: "Y" }, { name: "X" }));
        queue = enqueue(queue, edit(7, { name: "C" }, { name: "B" }));
        expect(queue.map((queued) => [queued.resId, queued.values.name])).toEqual([
            [7, "C"],
            [8, "Y"],
        ]);
    });

    test("edits of a record created offline merge into its creation", () => {
        const queue = enqueue([creation(-1, "New")], edit(-1, { phone: "555" }, { phone: false }));
        expect(queue).toHaveLength(1);
        expect(queue[0].operation).toBe(CREATE);
        expect(queue[0].values).toEqual({ name: "New", phone: "555" });
    });

    test("deleting a record created offline removes its creation and its other changes", () => {
        let queue = enqueue(
            [creation(-1, "New")],
            change({ operation: "archive", resId: -1, seq: undefined })
        );
        expect(queue).toHaveLength(2);
        queue = enqueue(queue, change({ operation: "unlink", resId: -1, seq: undefined }));
        expect(queue).toHaveLength(0);
    });

    test("deleting a record keeps its queued edits and drops its queued archiving", () => {
        let queue = enqueue([], edit(7, { name: "B" }, { name: "A" }));
        queue = enqueue(queue, change({ operation: "archive", resId: 7, seq: undefined }));
        queue = enqueue(queue, change({ operation: "unlink", resId: 7, seq: undefined }));
        expect(queue.map((queued) => queued.operation)).toEqual(["write", "unlink"]);
    });

    test("archiving then unarchiving a record cancels out", () => {
        let queue = enqueue([], change({ operation: "archive", resId: 7, seq: undefined }));
        queue = enqueue(queue, change({ operation: "archive", resId: 7, seq: undefined }));
        expect(queue).toHaveLength(1);
        queue = enqueue(queue, change({ operation: "unarchive", resId: 7, seq: undefined }));
        expect(queue).toHaveLength(0);
    });

    test("a change sent without an answer takes no more merges: the next edit is a change of its own", () => {
        const sent = { ...edit(7, { name: "B" }, { name: "A" }), seq: nextSeq(), sent: true };
        const queue = enqueue([sent], edit(7, { name: "C" }, { name: "B" }));
        expect(queue).toHaveLength(2);
        expect(queue[1].original).toEqual({ name: "B" });
    });

    test("an edit of a rejected change merges into it and makes it pending again", () => {
        const rejected = {
            ...edit(7, { name: "B" }, { name: "A" }),
            seq: nextSeq(),
            status: "rejected",
            error: { code: "validation", message: "No" },
        };
        const queue = enqueue([rejected], edit(7, { name: "C" }, { name: "B" }));
        expect(queue).toHaveLength(1);
        const expected = { status: PENDING, error: null, values: { name: "C" } };
        expect(subset(queue[0], expected)).toEqual(expected);
    });

    test("an edit pointing to a record created after the edit's change is queued after that creation", () => {
        let queue = enqueue([], edit(7, { name: "B" }, { name: "A" }));
        queue = enqueue(queue, creation(-9, "Acme"));
        queue = enqueue(
            queue,
            edit(
                7,
                { parent_id: { id: -9, display_name: "Acme" } },
                { parent_id: false },
                { parent_id: PARENT }
            )
        );
        expect(queue.map((queued) => queued.operation)).toEqual(["write", "create", "write"]);
        expect(queue[2].values).toEqual({ parent_id: { id: -9, display_name: "Acme" } });
    });
});

describe("payload", () => {
    test("records created offline are sent as virtual references to their creation", () => {
        const created = creation(-3, "Acme");
        const write = edit(
            7,
            { parent_id: { id: -3, display_name: "Acme" }, category_id: [{ id: 2 }, { id: -3 }] },
            { parent_id: { id: 5, display_name: "Old" }, category_id: [] },
            { parent_id: PARENT, category_id: { type: "many2many", string: "Tags" } }
        );
        const uuidOf = (localId) => (localId === -3 ? created.uuid : undefined);
        const createPayload = { operation: "create", res_id: null, values: { name: "Acme" } };
        expect(subset(toSyncPayload(created, uuidOf), createPayload)).toEqual(createPayload);
        const writePayload = {
            res_id: 7,
            values: {
                parent_id: `virtual:${created.uuid}`,
                category_id: [[6, 0, [2, `virtual:${created.uuid}`]]],
            },
            original: { parent_id: 5, category_id: [] },
            force: false,
        };
        expect(subset(toSyncPayload(write, uuidOf), writePayload)).toEqual(writePayload);
    });
});
