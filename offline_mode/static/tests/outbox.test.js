import { after, describe, expect, test } from "@odoo/hoot";
import { patchWithCleanup } from "@web/../tests/web_test_helpers";
import { registry } from "@web/core/registry";
import { session } from "@web/session";
import { CREATE, isLocalId, WRITE } from "@offline_mode/core/offline_change";
import { OutboxFullError } from "@offline_mode/core/outbox/outbox_errors";
import { readMeta, SENT_KEY } from "@offline_mode/core/outbox/outbox_schema";
import { OutboxStore } from "@offline_mode/core/outbox/outbox_store";
import {
    change,
    creation,
    edit,
    NAME,
    PARENT,
    startOfflineMode,
    subset,
} from "./offline_edit_test_helpers";
import { testKeyring } from "./offline_key_test_helpers";
import { storeOfItsOwn } from "./offline_test_helpers";

describe.current.tags("headless");

function uniqueStore() {
    return storeOfItsOwn((name) => new OutboxStore(name, testKeyring()));
}

describe("storage", () => {
    test("the queue survives closing the database, in order, with local ids for creations", async () => {
        const store = uniqueStore();
        const {
            queued: [created],
        } = await store.enqueue([creation(undefined, "New", { seq: undefined })]);
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
        } = await store.enqueue([creation(undefined, "Acme", { seq: undefined })]);
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

describe("tabs, crashes and sending", () => {
    /** A second tab: the same outbox database, a store of its own. */
    function otherTab(store) {
        const other = new OutboxStore(store.name, testKeyring());
        after(() => other.close());
        return other;
    }

    test("a change queued by another tab meanwhile is merged with, never numbered twice", async () => {
        const store = uniqueStore();
        await store.enqueue([edit(7, { name: "B" }, { name: "A" })]);
        await otherTab(store).enqueue([edit(7, { name: "C" }, { name: "B" })]);
        await otherTab(store).enqueue([edit(9, { name: "Q" }, { name: "P" })]);
        // this tab's counter is stale: the change is planned again over the others'
        await store.enqueue([edit(8, { name: "Y" }, { name: "X" })]);
        await store.enqueue([edit(7, { phone: "555" }, { phone: false })]);

        const queue = await store.all();
        expect(queue.map((queued) => [queued.resId, queued.values])).toEqual([
            [7, { name: "C", phone: "555" }],
            [9, { name: "Q" }],
            [8, { name: "Y" }],
        ]);
        expect(new Set(queue.map((queued) => queued.seq)).size).toBe(3);
    });

    test("a change sent takes no more merges, in this tab or another, also after a crash", async () => {
        const store = uniqueStore();
        const {
            queued: [first],
        } = await store.enqueue([edit(7, { name: "B" }, { name: "A" })]);
        await store.takeBatch(10);
        await store.enqueue([edit(7, { name: "C" }, { name: "B" })]);
        await store.close(); // the tab crashes before the answer
        await otherTab(store).enqueue([edit(7, { phone: "555" }, { phone: false })]);

        const queue = await otherTab(store).all();
        expect(
            queue.map((queued) => [queued.uuid === first.uuid, queued.sent, queued.values])
        ).toEqual([
            [true, true, { name: "B" }],
            [false, false, { name: "C", phone: "555" }],
        ]);
    });

    test("a crash between send and answer: sent again under the same uuid, the replay settles it", async () => {
        const store = uniqueStore();
        const {
            queued: [queued],
        } = await store.enqueue([edit(7, { name: "B" }, { name: "A" })]);
        await store.takeBatch(10);
        await store.close(); // crash: the answer is never stored

        const reopened = otherTab(store);
        const { batch } = await reopened.takeBatch(10);
        expect(batch.map((change) => [change.uuid, change.sent])).toEqual([[queued.uuid, true]]);
        const replay = { uuid: queued.uuid, status: "applied", res_id: 7, replayed: true };
        const { applied } = await reopened.settle([replay]);
        expect(applied.map((change) => [change.model, change.resId])).toEqual([["res.partner", 7]]);
        expect(await reopened.all()).toEqual([]);
        expect(
            await reopened._transaction("readonly", (_changes, meta) =>
                readMeta(meta, SENT_KEY, [])
            )
        ).toEqual([]);
    });

    test("answers for a batch this tab did not take are stored all the same", async () => {
        const store = uniqueStore();
        const {
            queued: [applied, rejected],
        } = await store.enqueue([
            edit(7, { name: "B" }, { name: "A" }),
            edit(8, { name: "Y" }, { name: "X" }),
        ]);
        await otherTab(store).takeBatch(10); // another tab sent them, then closed
        await store.settle([
            { uuid: applied.uuid, status: "applied", res_id: 7 },
            {
                uuid: rejected.uuid,
                status: "rejected",
                res_id: 8,
                error: { code: "x", message: "No" },
            },
        ]);
        const queue = await store.all();
        expect(queue.map((change) => [change.uuid, change.status, change.sent])).toEqual([
            [rejected.uuid, "rejected", false],
        ]);
    });

    test("discarding a change sent and answered by no one forgets it was sent", async () => {
        const store = uniqueStore();
        const {
            queued: [queued],
        } = await store.enqueue([edit(7, { name: "B" }, { name: "A" })]);
        await store.takeBatch(10);
        await store.remove(queued.uuid);
        expect(
            await store._transaction("readonly", (_changes, meta) => readMeta(meta, SENT_KEY, []))
        ).toEqual([]);
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
