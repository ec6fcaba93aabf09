import { describe, expect, test } from "@odoo/hoot";
import { mockDate } from "@odoo/hoot-mock";
import {
    getService,
    makeMockEnv,
    onRpc,
    patchWithCleanup,
    serverState,
} from "@web/../tests/web_test_helpers";
import { ConnectionLostError, rpc } from "@web/core/network/rpc";
import { session } from "@web/session";
import { SCOPE_CONTEXT_KEY } from "@offline_mode/core/cache_key";
import { offlineDatabaseName } from "@offline_mode/core/read_cache/read_cache_schema";
import { ReadCacheStore } from "@offline_mode/core/read_cache/read_cache_store";
import { NotAvailableOfflineError } from "@offline_mode/core/read_cache/read_cache_service";
import {
    cutNetwork,
    defineOfflineModeTestSetup,
    goOffline,
    goOfflineOnceStored,
} from "./offline_test_helpers";

describe.current.tags("headless");
defineOfflineModeTestSetup();

const WEB_READ = "/web/dataset/call_kw/res.partner/web_read";

function webRead(id, scope) {
    const context = { lang: "en", ...(scope && { [SCOPE_CONTEXT_KEY]: scope }) };
    return rpc(WEB_READ, {
        model: "res.partner",
        method: "web_read",
        args: [[id]],
        kwargs: { context, specification: { name: {} } },
    });
}

/** Answers web_read with the names given, in turn. */
function serveNames(...names) {
    onRpc("res.partner", "web_read", ({ args }) => [{ id: args[0][0], name: names.shift() }]);
}

test("stores what is read online and serves it once the connection is lost", async () => {
    serveNames("Azure");
    await makeMockEnv();
    expect(await webRead(7)).toEqual([{ id: 7, name: "Azure" }]);
    await getService("offline_read_cache").flush();
    cutNetwork();
    // The request fails, the probe confirms the loss, the stored answer is served.
    expect(await webRead(7)).toEqual([{ id: 7, name: "Azure" }]);
    expect(getService("offline_connectivity").status.isOnline).toBe(false);
    // Offline, later reads are served at once.
    expect(await webRead(7)).toEqual([{ id: 7, name: "Azure" }]);
});

test("never serves a stored answer while online", async () => {
    serveNames("Azure", "Azure Interior");
    await makeMockEnv();
    await webRead(7);
    await getService("offline_read_cache").flush();
    expect(await webRead(7)).toEqual([{ id: 7, name: "Azure Interior" }]);
});

test("what was never read online is not available offline", async () => {
    serveNames("Azure");
    await makeMockEnv();
    await webRead(7);
    await goOffline();
    const error = await webRead(8).catch((error) => error);
    expect(error).toBeInstanceOf(NotAvailableOfflineError);
    expect(error).toBeInstanceOf(ConnectionLostError);
});

test("writes are neither stored nor answered offline", async () => {
    onRpc("res.partner", "web_save", () => [{ id: 7 }]);
    await makeMockEnv();
    const save = () =>
        rpc("/web/dataset/call_kw/res.partner/web_save", {
            model: "res.partner",
            method: "web_save",
            args: [[7], { name: "x" }],
            kwargs: { specification: {} },
        });
    await save();
    const readCache = getService("offline_read_cache");
    await readCache.flush();
    expect((await readCache.usage()).entries).toBe(0);
    await goOffline();
    await expect(save()).rejects.toThrow(ConnectionLostError);
});

test("the server never sees the scope marker of the views", async () => {
    onRpc("res.partner", "web_read", ({ kwargs }) => {
        expect.step(Object.keys(kwargs.context).sort().join(","));
        return [{ id: 7, name: "Azure" }];
    });
    await makeMockEnv();
    await webRead(7, { action: 3, view: "form" });
    expect.verifySteps(["lang"]);
});

test("actions with data caching off are not stored, nor the data their views read", async () => {
    onRpc("/web/action/load", () => ({
        id: 5,
        type: "ir.actions.act_window",
        res_model: "res.partner",
        views: [[false, "form"]],
        data_caching: false,
    }));
    serveNames("Azure", "Azure");
    await makeMockEnv();
    await rpc("/web/action/load", { action_id: 5 });
    await webRead(7, { action: 5, view: "form" });
    await webRead(8, { action: 6, view: "form" });
    await goOffline();
    await expect(rpc("/web/action/load", { action_id: 5 })).rejects.toThrow(
        NotAvailableOfflineError
    );
    await expect(webRead(7, { action: 5, view: "form" })).rejects.toThrow(NotAvailableOfflineError);
    expect(await webRead(8, { action: 6, view: "form" })).toEqual([{ id: 8, name: "Azure" }]);
});

/**
 * Action 5, whose data caching is what `action.dataCaching` says when loaded
 * (on at first), and partners read as "Azure"; the read cache started.
 */
async function startWithAction5(action) {
    action.dataCaching = true;
    onRpc("/web/action/load", () => ({
        id: 5,
        type: "ir.actions.act_window",
        data_caching: action.dataCaching,
    }));
    serveNames("Azure", "Azure");
    await makeMockEnv();
    return getService("offline_read_cache");
}

test("switching data caching off deletes what the action had stored", async () => {
    const action = {};
    const readCache = await startWithAction5(action);
    await rpc("/web/action/load", { action_id: 5 });
    await webRead(7, { action: 5, view: "form" });
    await webRead(8, { action: 50, view: "form" });
    await readCache.flush();
    expect((await readCache.usage()).entries).toBe(3);

    action.dataCaching = false;
    await rpc("/web/action/load", { action_id: 5 });
    await waitUntil(async () => (await readCache.usage()).entries === 1);
    await goOffline();
    await expect(webRead(7, { action: 5, view: "form" })).rejects.toThrow(NotAvailableOfflineError);
    expect(await webRead(8, { action: 50, view: "form" })).toEqual([{ id: 8, name: "Azure" }]);
});

test("data caching switched off is learnt without opening the action again (check of the stored actions)", async () => {
    const action = {};
    const readCache = await startWithAction5(action);
    await rpc("/web/action/load", { action_id: 5, context: { lang: "en_US" } });
    await webRead(7, { action: 5, view: "form" });
    await readCache.flush();
    await readCache.checkStoredActions();
    expect((await readCache.usage()).entries).toBe(2);

    action.dataCaching = false;
    await readCache.checkStoredActions();
    await waitUntil(async () => (await readCache.usage()).entries === 0);
    await goOffline();
    await expect(webRead(7, { action: 5, view: "form" })).rejects.toThrow(NotAvailableOfflineError);
});

test("an action loaded by XML id is available by id too", async () => {
    onRpc("/web/action/load", () => ({
        id: 12,
        type: "ir.actions.act_window",
        data_caching: true,
    }));
    await makeMockEnv();
    await rpc("/web/action/load", { action_id: "base.action_partner_form", context: {} });
    await goOffline();
    expect(await rpc("/web/action/load", { action_id: 12, context: {} })).toEqual({
        id: 12,
        type: "ir.actions.act_window",
        data_caching: true,
    });
});

test("a full browser storage evicts and stores again instead of failing", async () => {
    let quotaErrors = 1;
    patchWithCleanup(ReadCacheStore.prototype, {
        putEntries() {
            if (quotaErrors-- > 0) {
                return Promise.reject(
                    new DOMException("The quota has been exceeded.", "QuotaExceededError")
                );
            }
            return super.putEntries(...arguments);
        },
        evictTo(targetBytes) {
            expect.step("evict");
            return super.evictTo(targetBytes);
        },
    });
    serveNames("Azure");
    await makeMockEnv();
    await webRead(7);
    await getService("offline_read_cache").flush();
    expect.verifySteps(["evict"]);
    await goOffline();
    expect(await webRead(7)).toEqual([{ id: 7, name: "Azure" }]);
});

test("over the storage cap, the least recently used answers are evicted first", async () => {
    patchWithCleanup(session.offline_mode, { storage_cap_mb: 1 });
    const bigName = (letter) => letter.repeat(400 * 1024);
    serveNames(bigName("a"), bigName("b"), bigName("c"));
    await makeMockEnv();
    const readCache = getService("offline_read_cache");
    for (const id of [1, 2, 3]) {
        await webRead(id);
        await readCache.flush();
    }
    const { bytes } = await readCache.usage();
    expect(bytes).toBeLessThan(0.9 * 1024 * 1024 + 1);
    await goOffline();
    await expect(webRead(1)).rejects.toThrow(NotAvailableOfflineError);
    expect((await webRead(3))[0].name).toBe(bigName("c"));
});

test("answers older than the cache expiry are not served", async () => {
    patchWithCleanup(session.offline_mode, { cache_expiry_days: 2 });
    mockDate("2025-01-01 10:00:00");
    serveNames("Azure", "Deco");
    await makeMockEnv();
    await webRead(7);
    await getService("offline_read_cache").flush();
    mockDate("2025-01-02 10:00:00");
    await webRead(8);
    await getService("offline_read_cache").flush();
    mockDate("2025-01-03 12:00:00");
    await goOffline();
    await expect(webRead(7)).rejects.toThrow(NotAvailableOfflineError);
    expect(await webRead(8)).toEqual([{ id: 8, name: "Deco" }]);
});

test("a hard refresh clears the read data but not what pending changes need", async () => {
    const store = new ReadCacheStore(offlineDatabaseName(serverState.db, serverState.userId));
    await store.putEntries([
        { key: "kept", json: "1", tags: ["form:res.partner:7"] },
        { key: "cleared", json: "2", tags: ["form:res.partner:8"] },
    ]);
    await store.pin("form:res.partner:7");
    await store.close();

    patchWithCleanup(session, { offline_mode_hard_reload: true });
    await makeMockEnv();
    expect(await getService("offline_read_cache").usage()).toEqual({
        bytes: "kept".length + 1,
        entries: 1,
    });
});

test("pinned answers survive eviction (the outbox pins what pending changes need)", async () => {
    serveNames("Azure");
    await makeMockEnv();
    const readCache = getService("offline_read_cache");
    await webRead(7, { action: 3, view: "form" });
    await readCache.flush();
    await readCache.pin("form:res.partner:7");
    const store = new ReadCacheStore(offlineDatabaseName(serverState.db, serverState.userId));
    await store.evictTo(0);
    await store.close();
    await goOffline();
    expect(await webRead(7, { action: 3, view: "form" })).toEqual([{ id: 7, name: "Azure" }]);
});

async function waitUntil(asyncPredicate) {
    const start = Date.now();
    while (!(await asyncPredicate())) {
        if (Date.now() - start > 3000) {
            throw new Error("Condition not met in time");
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
    }
}

test("the chatter reopened offline gets the messages it read online; newer-only reads are not stored", async () => {
    const full = { messages: [41, 40], data: {} };
    onRpc("/mail/thread/messages", ({ after }) => (after ? { messages: [], data: {} } : full));
    await makeMockEnv();
    const thread = { thread_id: 7, thread_model: "res.partner", limit: 30 };
    await rpc("/mail/thread/messages", thread);
    await rpc("/mail/thread/messages", { ...thread, after: 41 });
    await goOfflineOnceStored();
    expect(await rpc("/mail/thread/messages", { ...thread, after: 41 })).toEqual(full);
});

test("offline, the failures of requests the client makes on its own are marked as such", async () => {
    await makeMockEnv();
    await goOffline();
    const background = await rpc("/mail/action", { init_messaging: {} }).catch((error) => error);
    expect(background).toBeInstanceOf(NotAvailableOfflineError);
    expect(background.offlineBackground).toBe(true);
    const silentCall = await rpc(
        "/web/dataset/call_kw/res.partner/autocomplete",
        { model: "res.partner", method: "autocomplete", args: ["azure"], kwargs: {} },
        { silent: true }
    ).catch((error) => error);
    expect(silentCall).toBeInstanceOf(ConnectionLostError);
    expect(silentCall.offlineBackground).toBe(true);
    const userRead = await webRead(8).catch((error) => error);
    expect(userRead.offlineBackground).toBe(undefined);
});
