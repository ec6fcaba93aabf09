import { after, describe, expect, test } from "@odoo/hoot";
import { patchWithCleanup } from "@web/../tests/web_test_helpers";
import { registry } from "@web/core/registry";
import { session } from "@web/session";
import {
    CREATE,
    isLocalId,
    newUuid,
    PENDING,
    toSyncPayload,
    WRITE,
} from "@offline_mode/core/offline_change";
import { planEnqueue } from "@offline_mode/core/outbox/merge_planning";
import { OutboxFullError, OutboxStore } from "@offline_mode/core/outbox/outbox_store";
import { deleteDatabases, startOfflineMode } from "./offline_edit_test_helpers";
import { testKeyring } from "./offline_key_test_helpers";

describe.current.tags("headless");

const NAME = { type: "char", string: "Name" };
const PHONE = { type: "char", string: "Phone" };
const PARENT = { type: "many2one", string: "Related Company" };

let nextSeq = 1;
function change(values) {
    return {
        uuid: newUuid(),
        seq: nextSeq++,
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

function edit(resId, values, original, fields = { name: NAME, phone: PHONE }) {
    return change({ operation: WRITE, resId, values, original, fields, seq: undefined });
}

/** The members of `actual` that `expected` names. */
function subset(actual, expected) {
    return Object.fromEntries(Object.keys(expected).map((key) => [key, actual?.[key]]));
}

/** The queue after applying a plan, as the store does (new changes get the next seq). */
function applyPlan(queue, plan) {
    const removed = new Set(plan.remove);
    const byUuid = new Map(
        queue.filter((queued) => !removed.has(queued.uuid)).map((queued) => [queued.uuid, queued])
    );
    for (const put of plan.put) {
        byUuid.set(put.uuid, { ...put, seq: put.seq ?? nextSeq++ });
    }
    return [...byUuid.values()].sort((a, b) => a.seq - b.seq);
}

function enqueue(queue, newChange) {
    return applyPlan(queue, planEnqueue(queue, newChange));
}

function uniqueStore() {
    const store = new OutboxStore(`offline_mode_outbox:test_${newUuid()}`, testKeyring());
    after(async () => {
        await store.close();
        await deleteDatabases([store.name]);
    });
    return store;
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
        const creation = change({
            operation: CREATE,
            resId: -1,
            values: { name: "New" },
            fields: { name: NAME },
        });
        const queue = enqueue([creation], edit(-1, { phone: "555" }, { phone: false }));
        expect(queue).toHaveLength(1);
        expect(queue[0].operation).toBe(CREATE);
        expect(queue[0].values).toEqual({ name: "New", phone: "555" });
    });

    test("deleting a record created offline removes its creation and its other changes", () => {
        const creation = change({
            operation: CREATE,
            resId: -1,
            values: { name: "New" },
            fields: { name: NAME },
        });
        let queue = enqueue(
            [creation],
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
        const sent = { ...edit(7, { name: "B" }, { name: "A" }), seq: nextSeq++, sent: true };
        const queue = enqueue([sent], edit(7, { name: "C" }, { name: "B" }));
        expect(queue).toHaveLength(2);
        expect(queue[1].original).toEqual({ name: "B" });
    });

    test("an edit of a rejected change merges into it and makes it pending again", () => {
        const rejected = {
            ...edit(7, { name: "B" }, { name: "A" }),
            seq: nextSeq++,
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
        queue = enqueue(
            queue,
            change({
                operation: CREATE,
                resId: -9,
                values: { name: "Acme" },
                fields: { name: NAME },
            })
        );
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
        const creation = change({
            operation: CREATE,
            resId: -3,
            values: { name: "Acme" },
            fields: { name: NAME },
        });
        const write = edit(
            7,
            { parent_id: { id: -3, display_name: "Acme" }, category_id: [{ id: 2 }, { id: -3 }] },
            { parent_id: { id: 5, display_name: "Old" }, category_id: [] },
            { parent_id: PARENT, category_id: { type: "many2many", string: "Tags" } }
        );
        const uuidOf = (localId) => (localId === -3 ? creation.uuid : undefined);
        const createPayload = { operation: "create", res_id: null, values: { name: "Acme" } };
        expect(subset(toSyncPayload(creation, uuidOf), createPayload)).toEqual(createPayload);
        const writePayload = {
            res_id: 7,
            values: {
                parent_id: `virtual:${creation.uuid}`,
                category_id: [[6, 0, [2, `virtual:${creation.uuid}`]]],
            },
            original: { parent_id: 5, category_id: [] },
            force: false,
        };
        expect(subset(toSyncPayload(write, uuidOf), writePayload)).toEqual(writePayload);
    });
});

describe("storage", () => {
    test("the queue survives closing the database, in order, with local ids for creations", async () => {
        const store = uniqueStore();
        const {
            queued: [created],
        } = await store.enqueue([
            change({
                operation: CREATE,
                resId: undefined,
                values: { name: "New" },
                fields: { name: NAME },
                seq: undefined,
            }),
        ]);
        await store.enqueue([edit(7, { name: "B" }, { name: "A" })]);
        expect(isLocalId(created.resId)).toBe(true);
        await store.close();

        const reopened = new OutboxStore(store.name, testKeyring());
        const queue = await reopened.all();
        await reopened.close();
        expect(queue.map((queued) => [queued.operation, queued.resId])).toEqual([
            ["create", created.resId],
            ["write", 7],
        ]);
    });

    test("the server's answers: applied changes leave, a creation's real id replaces its local id, failures stay", async () => {
        const store = uniqueStore();
        const {
            queued: [created],
        } = await store.enqueue([
            change({
                operation: CREATE,
                values: { name: "Acme" },
                fields: { name: NAME },
                seq: undefined,
            }),
        ]);
        const {
            queued: [linked],
        } = await store.enqueue([
            change({
                operation: CREATE,
                values: { parent_id: { id: created.resId, display_name: "Acme" } },
                fields: { parent_id: PARENT },
                seq: undefined,
            }),
        ]);
        const {
            queued: [rejected],
        } = await store.enqueue([edit(7, { name: "B" }, { name: "A" })]);
        expect((await store.takeBatch(10)).batch.every((queued) => queued.sent)).toBe(true);

        const { applied, resolvedIds } = await store.settle([
            { uuid: created.uuid, status: "applied", res_id: 41 },
            {
                uuid: rejected.uuid,
                status: "rejected",
                res_id: 7,
                error: { code: "validation", message: "Nope" },
            },
        ]);
        expect(applied.map((queued) => queued.resId)).toEqual([41]);
        expect(resolvedIds).toEqual({ [created.resId]: 41 });
        const queue = await store.all();
        expect(queue.find((queued) => queued.uuid === linked.uuid).values.parent_id.id).toBe(41);
        expect(queue.find((queued) => queued.uuid === linked.uuid).sent).toBe(true);
        const settled = {
            status: "rejected",
            sent: false,
            error: { code: "validation", message: "Nope" },
        };
        expect(
            subset(
                queue.find((queued) => queued.uuid === rejected.uuid),
                settled
            )
        ).toEqual(settled);
        expect(await store.resolvedIds()).toEqual({ [created.resId]: 41 });
    });

    test("a change sent without an answer is sent again under the same uuid", async () => {
        const store = uniqueStore();
        const {
            queued: [queued],
        } = await store.enqueue([edit(7, { name: "B" }, { name: "A" })]);
        const {
            batch: [first],
        } = await store.takeBatch(10);
        // the request was lost: no settle
        const {
            batch: [again],
        } = await store.takeBatch(10);
        expect(first.uuid).toBe(queued.uuid);
        expect(again.uuid).toBe(queued.uuid);
    });

    test("changes queued together are stored in one go, merged with each other", async () => {
        const store = uniqueStore();
        const { queued } = await store.enqueue([
            edit(7, { name: "B" }, { name: "A" }),
            edit(8, { name: "Y" }, { name: "X" }),
            edit(7, { name: "C" }, { name: "B" }),
        ]);
        expect(queued[0].uuid).toBe(queued[2].uuid);
        const stored = await store.all();
        expect(
            stored.map((queued) => [queued.resId, queued.values.name, queued.original.name])
        ).toEqual([
            [7, "C", "A"],
            [8, "Y", "X"],
        ]);
    });

    test("a full storage is reported, and nothing is half queued", async () => {
        const store = uniqueStore();
        await store.enqueue([edit(7, { name: "B" }, { name: "A" })]);
        patchWithCleanup(IDBObjectStore.prototype, {
            put() {
                throw new DOMException("The quota has been exceeded.", "QuotaExceededError");
            },
        });
        await expect(store.enqueue([edit(8, { name: "Y" }, { name: "X" })])).rejects.toThrow(
            OutboxFullError
        );
        expect((await store.all()).map((queued) => queued.resId)).toEqual([7]);
    });
});

describe("service", () => {
    test("queues, lists and discards changes; a second tab sees them", async () => {
        const { outbox } = await startOfflineMode();
        const queued = await outbox.add({
            model: "res.partner",
            operation: WRITE,
            resId: 7,
            values: { name: "B" },
            original: { name: "A" },
            fields: { name: NAME },
            recordName: "B",
        });
        expect(outbox.state.changes.map((queued) => queued.uuid)).toEqual([queued.uuid]);
        expect(outbox.hasChanges("res.partner", 7)).toBe(true);

        const otherTab = new OutboxStore(`offline_mode_outbox:${session.db}:7`, testKeyring());
        expect((await otherTab.all()).map((queued) => queued.uuid)).toEqual([queued.uuid]);
        await otherTab.close();

        await outbox.discard(queued.uuid);
        expect(outbox.state.changes).toEqual([]);
        expect(outbox.hasChanges("res.partner", 7)).toBe(false);
    });

    test("the copy kept for the views matches the stored queue whichever way it changes", async () => {
        const { outbox } = await startOfflineMode();
        const write = (resId, name, original = "A") =>
            outbox.add({
                model: "res.partner",
                operation: WRITE,
                resId,
                values: { name },
                original: { name: original },
                fields: { name: NAME },
                recordName: name,
            });
        const first = await write(1, "B");
        await write(2, "C");
        await write(1, "D"); // merged in place
        await write(3, "E");
        expect(await write(2, "A", "C")).toBe(null); // back to the server's value: the change goes
        await outbox.discard(first.uuid);
        await write(2, "F");
        await outbox.add({
            model: "res.partner",
            operation: CREATE,
            values: { name: "G" },
            fields: { name: NAME },
        });

        const stored = await new OutboxStore(
            `offline_mode_outbox:${session.db}:7`,
            testKeyring()
        ).all();
        expect(outbox.state.changes).toEqual(stored);
        expect(outbox.state.pendingCount).toBe(stored.length);
        for (const resId of [1, 2, 3, stored.at(-1).resId]) {
            expect(outbox.changesOf("res.partner", resId)).toEqual(
                stored.filter((queued) => queued.resId === resId)
            );
        }
        expect(outbox.creationOf(stored.at(-1).resId)).toEqual(stored.at(-1));
    });

    test("leaving the page or logging out with changes not synced warns first", async () => {
        const { env, outbox } = await startOfflineMode();
        const leave = () => {
            const event = new Event("beforeunload", { cancelable: true });
            window.dispatchEvent(event);
            return event.defaultPrevented;
        };
        const userData = registry.category("offline_mode_user_data").get("outbox");
        expect(leave()).toBe(false);
        expect(userData.countUnsyncedChanges(env)).toBe(0);

        await outbox.add({
            model: "res.partner",
            operation: "archive",
            resId: 7,
            recordName: "Acme",
        });
        expect(leave()).toBe(true);
        expect(userData.countUnsyncedChanges(env)).toBe(1);
    });
});
