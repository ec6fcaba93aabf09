import { describe, expect, test } from "@odoo/hoot";
import {
    isBackgroundRequest,
    isPartialRead,
    isReadRequest,
    isServableOffline,
    isStorableAnswer,
    readCacheKey,
    readCacheTags,
    SCOPE_CONTEXT_KEY,
    stableStringify,
    withoutScope,
} from "@offline_mode/core/cache_key";

describe.current.tags("headless");

const WEB_READ = "/web/dataset/call_kw/res.partner/web_read";

function webReadParams(context) {
    return {
        model: "res.partner",
        method: "web_read",
        args: [[7]],
        kwargs: { context, specification: { name: {}, email: {} } },
    };
}

test("stable JSON does not depend on the order of keys", () => {
    expect(stableStringify({ b: 1, a: { d: [1, { f: 2, e: 3 }], c: null } })).toBe(
        stableStringify({ a: { c: null, d: [1, { e: 3, f: 2 }] }, b: 1 })
    );
    expect(stableStringify({ a: undefined, b: 1 })).toBe('{"b":1}');
    expect(stableStringify([1, undefined])).toBe("[1,null]");
});

test("the same request always gives the same key, whatever its key order", () => {
    const first = readCacheKey(WEB_READ, webReadParams({ lang: "en_US", uid: 2, bin_size: true }));
    const second = readCacheKey(WEB_READ, {
        kwargs: {
            specification: { email: {}, name: {} },
            context: { bin_size: true, uid: 2, lang: "en_US" },
        },
        args: [[7]],
        method: "web_read",
        model: "res.partner",
    });
    expect(first).toBe(second);
});

test("volatile context keys are left out of the key, the others are kept", () => {
    const plain = readCacheKey(WEB_READ, webReadParams({ lang: "en_US" }));
    const withVolatile = readCacheKey(
        WEB_READ,
        webReadParams({
            lang: "en_US",
            params: { action: 3 },
            [SCOPE_CONTEXT_KEY]: { action: 3, view: "form" },
        })
    );
    expect(withVolatile).toBe(plain);
    expect(readCacheKey(WEB_READ, webReadParams({ lang: "fr_FR" }))).not.toBe(plain);
    expect(readCacheKey(WEB_READ, webReadParams({ lang: "en_US", bin_size: true }))).not.toBe(
        plain
    );
});

test("different records, routes or arguments give different keys", () => {
    const params = webReadParams({});
    const other = { ...params, args: [[8]] };
    expect(readCacheKey(WEB_READ, params)).not.toBe(readCacheKey(WEB_READ, other));
    expect(readCacheKey(WEB_READ, params)).not.toBe(
        readCacheKey("/web/dataset/call_kw/res.partner/read", params)
    );
});

test("only reads are cacheable", () => {
    for (const method of [
        "web_read",
        "web_search_read",
        "web_read_group",
        "get_views",
        "onchange",
        "name_search",
        "get_update_included_pdf_params",
    ]) {
        expect(isReadRequest(`/web/dataset/call_kw/res.partner/${method}`, { method })).toBe(true);
    }
    for (const method of [
        "web_save",
        "write",
        "create",
        "unlink",
        "action_archive",
        "action_confirm",
    ]) {
        expect(isReadRequest(`/web/dataset/call_kw/res.partner/${method}`, { method })).toBe(false);
    }
    expect(isReadRequest("/web/action/load", { action_id: 1 })).toBe(true);
    expect(isReadRequest("/web/dataset/call_button/res.partner/action_confirm", {})).toBe(false);
    expect(isReadRequest("/web/dataset/call_button/res.partner/get_report", {})).toBe(false);
    expect(isReadRequest("/web/action/run", { action_id: 1 })).toBe(false);
});

test("the scope marker is taken out of the sent request without touching the original", () => {
    const params = webReadParams({
        lang: "en_US",
        [SCOPE_CONTEXT_KEY]: { action: 3, view: "form" },
    });
    const { params: sent, scope } = withoutScope(params);
    expect(scope).toEqual({ action: 3, view: "form" });
    expect(sent.kwargs.context).toEqual({ lang: "en_US" });
    expect(params.kwargs.context[SCOPE_CONTEXT_KEY]).toEqual({ action: 3, view: "form" });

    const actionLoad = {
        action_id: 5,
        context: { lang: "en_US", [SCOPE_CONTEXT_KEY]: { action: 3, view: "list" } },
    };
    expect(withoutScope(actionLoad).params.context).toEqual({ lang: "en_US" });

    const unscoped = webReadParams({ lang: "en_US" });
    expect(withoutScope(unscoped)).toEqual({ params: unscoped, scope: null });
});

test("answers are tagged with the action, the view and the records whose form they show", () => {
    expect(
        readCacheTags("/web/action/load", { action_id: "base.action_x" }, null, { id: 12 })
    ).toEqual(["action:12"]);
    expect(
        readCacheTags(WEB_READ, webReadParams({}), { action: 3, view: "form" }, [{ id: 7 }])
    ).toEqual(["view:3:form", "form:res.partner:7"]);
    const search = { model: "res.partner", method: "web_search_read", args: [], kwargs: {} };
    expect(
        readCacheTags(
            "/web/dataset/call_kw/res.partner/web_search_read",
            search,
            { action: 3, view: "list" },
            {}
        )
    ).toEqual(["view:3:list"]);
    expect(readCacheTags(WEB_READ, webReadParams({}), null, [{ id: 7 }])).toEqual([]);
});

test("actions with data caching off and actions that need the server are not stored", () => {
    const windowAction = { id: 1, type: "ir.actions.act_window", data_caching: true };
    expect(isStorableAnswer("/web/action/load", windowAction)).toBe(true);
    expect(isStorableAnswer("/web/action/load", { ...windowAction, data_caching: false })).toBe(
        false
    );
    expect(isStorableAnswer("/web/action/load", { id: 2, type: "ir.actions.report" })).toBe(false);
    expect(
        isStorableAnswer("/web/action/load", { id: 4, type: "ir.actions.client", tag: "x" })
    ).toBe(true);
    expect(isStorableAnswer(WEB_READ, [])).toBe(true);
});

test("a server action run from a menu is kept when it opened a window action, under both actions", () => {
    const fromMenu = { action_id: 20, context: { lang: "en_US", uid: 2 } };
    const onRecords = {
        action_id: 20,
        context: { active_id: 7, active_ids: [7], active_model: "crm.lead" },
    };
    expect(isServableOffline("/web/action/run", fromMenu)).toBe(true);
    expect(isServableOffline("/web/action/run", onRecords)).toBe(false);
    expect(
        isServableOffline("/web/action/run", { action_id: 20, context: { active_ids: [7] } })
    ).toBe(false);

    const pipeline = { id: 1, type: "ir.actions.act_window", data_caching: true };
    expect(isStorableAnswer("/web/action/run", pipeline)).toBe(true);
    expect(isStorableAnswer("/web/action/run", { ...pipeline, data_caching: false })).toBe(false);
    expect(
        isStorableAnswer("/web/action/run", {
            type: "ir.actions.client",
            tag: "display_notification",
        })
    ).toBe(false);
    expect(isStorableAnswer("/web/action/run", false)).toBe(false);
    expect(readCacheTags("/web/action/run", fromMenu, null, pipeline)).toEqual([
        "action:20",
        "action:1",
    ]);
    // The server action's own description is kept, but only its run makes the menu available.
    expect(isStorableAnswer("/web/action/load", { id: 20, type: "ir.actions.server" })).toBe(true);
    expect(
        readCacheTags("/web/action/load", { action_id: 20 }, null, {
            id: 20,
            type: "ir.actions.server",
        })
    ).toEqual([]);
});

test("the activity and calendar views' reads are reads", () => {
    for (const method of ["get_activity_data", "get_unusual_days"]) {
        expect(isReadRequest(`/web/dataset/call_kw/crm.lead/${method}`, { method })).toBe(true);
    }
});

test("what the chatter and the messaging menu read is kept, and fails offline without telling the user", () => {
    for (const route of [
        "/mail/action",
        "/mail/data",
        "/mail/thread/data",
        "/mail/thread/messages",
    ]) {
        expect(isReadRequest(route, {})).toBe(true);
        expect(isBackgroundRequest(route, {})).toBe(true);
    }
    expect(isReadRequest("/mail/message/post", {})).toBe(false);
    expect(isBackgroundRequest("/mail/message/post", {})).toBe(false);
    expect(isBackgroundRequest(WEB_READ, {})).toBe(false);
    expect(
        isBackgroundRequest("/web/dataset/call_kw/res.partner/autocomplete", { silent: true })
    ).toBe(true);
});

test("the html editor's calls to edit together with others fail offline without telling the user", () => {
    // Sent when an html field gets the focus: offline, typing in a note is not the user asking the server.
    expect(isBackgroundRequest("/html_editor/bus_broadcast", {})).toBe(true);
    expect(isBackgroundRequest("/html_editor/get_ice_servers", {})).toBe(true);
    expect(isReadRequest("/html_editor/bus_broadcast", {})).toBe(false);
});

test("a widget's get_… read fails offline without telling the user, when it was not stored", () => {
    // CRM asks, after each save that set a stage, whether to show a rainbow man.
    const rainbowman = "/web/dataset/call_kw/crm.lead/get_rainbowman_message";
    expect(isReadRequest(rainbowman, { method: "get_rainbowman_message" })).toBe(true);
    expect(isBackgroundRequest(rainbowman, {})).toBe(true);
    expect(isBackgroundRequest("/web/dataset/call_kw/crm.lead/action_set_won", {})).toBe(false);
});

test("a record's messages read again after the last one use the key of the first read, which alone is stored", () => {
    const messages = { thread_id: 7, thread_model: "res.partner", limit: 30 };
    expect(readCacheKey("/mail/thread/messages", { ...messages, after: 41 })).toBe(
        readCacheKey("/mail/thread/messages", messages)
    );
    expect(readCacheKey("/mail/thread/messages", { ...messages, thread_id: 8 })).not.toBe(
        readCacheKey("/mail/thread/messages", messages)
    );
    expect(isPartialRead("/mail/thread/messages", messages)).toBe(false);
    expect(isPartialRead("/mail/thread/messages", { ...messages, after: 41 })).toBe(true);
    expect(isPartialRead("/mail/thread/messages", { ...messages, before: 12 })).toBe(true);
    expect(isPartialRead(WEB_READ, { after: 1 })).toBe(false);
});

test("a statusbar's stages have one key whatever the record's own stage", () => {
    // The statusbar reads the stages again at each change of the record, or-ed with its current one.
    const stages = (current) => ({
        model: "crm.stage",
        method: "search_read",
        args: [],
        kwargs: {
            domain: ["|", ["id", "=", current], ["team_id", "in", [1, false]]],
            fields: ["name"],
        },
    });
    const url = "/web/dataset/call_kw/crm.stage/search_read";
    expect(readCacheKey(url, stages(1))).toBe(readCacheKey(url, stages(4)));
    const otherTeam = {
        ...stages(1),
        kwargs: { ...stages(1).kwargs, domain: [["team_id", "=", 2]] },
    };
    expect(readCacheKey(url, otherTeam)).not.toBe(readCacheKey(url, stages(1)));
    // A view's own search of that shape answers other records for each id: keys apart.
    const viewSearch = (id) => ({ ...stages(id), method: "web_search_read" });
    const searchUrl = "/web/dataset/call_kw/crm.stage/web_search_read";
    expect(readCacheKey(searchUrl, viewSearch(1))).not.toBe(readCacheKey(searchUrl, viewSearch(4)));
});
