import { describe, expect, test } from "@odoo/hoot";
import { patchWithCleanup } from "@web/../tests/web_test_helpers";
import { registry } from "@web/core/registry";
import { session } from "@web/session";
import { CREATE, isLocalId, WRITE } from "@offline_mode/core/offline_change";
import { OutboxFullError } from "@offline_mode/core/outbox/outbox_errors";
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
