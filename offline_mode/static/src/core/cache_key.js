/**
 * Which requests the read cache keeps, and under which key.
 *
 * Pure functions: no service, no storage. The same request must always give the
 * same key, whatever the order of its keys or the view that sent it, so that a
 * record opened from a list and from a URL hit the same entry.
 */

/**
 * What the chatter and the messaging menu read on their own when a form or the
 * client opens (messages, followers, activities in the systray): never on a
 * user's click, so failing offline tells the user nothing.
 */
const MAIL_READ_ROUTES = new Set([
    "/mail/action",
    "/mail/data",
    "/mail/thread/data",
    "/mail/thread/messages",
]);

/** What the html editor sends on its own to edit together with other users: offline, nobody to meet. */
const EDITOR_COLLABORATION_ROUTES = new Set([
    "/html_editor/bus_broadcast",
    "/html_editor/get_ice_servers",
]);

/** Routes whose answer only depends on their parameters and the user. */
const READ_ROUTES = new Set([
    "/web/action/load",
    "/web/action/load_breadcrumbs",
    ...MAIL_READ_ROUTES,
]);

/**
 * The chatter reopening a record it showed before asks only for the messages
 * newer than the last it has: offline, the messages it read the first time
 * answer (it leaves out those it has), so `after` is not part of the key.
 */
const MESSAGES_ROUTE = "/mail/thread/messages";

/** Runs a server action; from a menu, it returns the window action to open (CRM's pipeline). */
const RUN_ROUTE = "/web/action/run";

const CALL_KW_PREFIX = "/web/dataset/call_kw/";

/**
 * ORM methods that only read: what views built from standard components call
 * to display actions, lists, kanbans, groupings, forms, onchange defaults,
 * many2one autocompletion and record names; and, by Odoo's naming habit,
 * methods named `get_…` that widgets call to display a record (a button never
 * comes this way: it goes through call_button). Anything else (writes,
 * buttons, server actions) goes to the server untouched and is never served
 * from cache.
 */
const READ_METHODS = new Set([
    "check_access_rights",
    "default_get",
    "display_name_for",
    "fields_get",
    "has_access",
    "has_group",
    "name_search",
    "onchange",
    "read",
    "read_group",
    "read_progress_bar",
    "search",
    "search_count",
    "search_panel_select_multi_range",
    "search_panel_select_range",
    "search_read",
    "web_read",
    "web_read_group",
    "web_search_read",
]);

/**
 * Context key the web client adds to the context of each view so that the
 * requests of that view say which action and view type they serve (see
 * views/view_scope_patch.js). It never reaches the server: `withoutScope`
 * removes it from every request.
 */
export const SCOPE_CONTEXT_KEY = "offline_mode_scope";

/**
 * Context keys that do not change the answer but vary between two identical
 * requests: left out of the key. (`bin_size` is not one of them: it changes
 * what binary fields hold, and views always send it the same way anyway.)
 */
const VOLATILE_CONTEXT_KEYS = new Set([SCOPE_CONTEXT_KEY, "params"]);

/** Action types whose execution needs the server, whatever the cache holds. */
export const SERVER_ONLY_ACTION_TYPES = new Set([
    "ir.actions.act_url",
    "ir.actions.report",
    "ir.actions.server",
]);

/**
 * JSON with object keys sorted at every level and `undefined` members left out,
 * so that equal values give equal strings.
 *
 * @param {any} value
 * @returns {string}
 */
export function stableStringify(value) {
    if (value === null || typeof value !== "object") {
        return JSON.stringify(value) ?? "null";
    }
    if (Array.isArray(value)) {
        return `[${value
            .map((item) => (item === undefined ? "null" : stableStringify(item)))
            .join(",")}]`;
    }
    const members = [];
    for (const key of Object.keys(value).sort()) {
        if (value[key] !== undefined) {
            members.push(`${JSON.stringify(key)}:${stableStringify(value[key])}`);
        }
    }
    return `{${members.join(",")}}`;
}

function contextWithout(context, keys) {
    if (!context || typeof context !== "object") {
        return context;
    }
    return Object.fromEntries(Object.entries(context).filter(([key]) => !keys.has(key)));
}

/** A copy of request parameters whose contexts, at the top and in kwargs, lack `keys`. */
function paramsWithoutContextKeys(params, keys) {
    const cleaned = { ...params };
    if (cleaned.context) {
        cleaned.context = contextWithout(cleaned.context, keys);
    }
    if (cleaned.kwargs?.context) {
        cleaned.kwargs = {
            ...cleaned.kwargs,
            context: contextWithout(cleaned.kwargs.context, keys),
        };
    }
    return cleaned;
}

/**
 * The request parameters as they must be sent, without the scope marker, and
 * the scope it carried. The given parameters are left untouched.
 *
 * @param {Object} params
 * @returns {{ params: Object, scope: { action?: number|false, view?: string } | null }}
 */
export function withoutScope(params) {
    const scope =
        params?.kwargs?.context?.[SCOPE_CONTEXT_KEY] || params?.context?.[SCOPE_CONTEXT_KEY];
    if (!scope) {
        return { params, scope: null };
    }
    return { params: paramsWithoutContextKeys(params, new Set([SCOPE_CONTEXT_KEY])), scope };
}

/**
 * @param {string} url
 * @returns {{ model: string, method: string } | null}
 */
function parseCallKw(url) {
    if (!url.startsWith(CALL_KW_PREFIX)) {
        return null;
    }
    const [model, method] = url.slice(CALL_KW_PREFIX.length).split("/");
    return model && method ? { model, method } : null;
}

/**
 * Whether a request only reads, and so may be stored online and served offline.
 *
 * @param {string} url
 * @param {Object} params
 */
export function isReadRequest(url, params) {
    if (READ_ROUTES.has(url)) {
        return true;
    }
    const call = parseCallKw(url);
    const method = params?.method ?? call?.method;
    return Boolean(call && (READ_METHODS.has(method) || method.startsWith("get_")));
}

/**
 * Whether a request runs a server action the way a menu does: on no record (no
 * active ids in its context). Its answer, when it is a window action, is
 * stored online and given again offline, so that menus running a server action
 * (CRM's own, Sales → My Pipeline) reopen what they opened. Server actions run
 * on records (Actions menu, buttons) act on them and are never replayed.
 *
 * @param {string} url
 * @param {Object} params
 */
export function isMenuServerActionRun(url, params) {
    const context = params?.context || {};
    return (
        url === RUN_ROUTE &&
        !context.active_id &&
        !context.active_ids?.length &&
        !context.active_model
    );
}

/**
 * Whether a request is made by the client on its own rather than for something
 * the user clicked: the chatter, the messaging menu, the html editor's
 * collaboration, "silent" calls such as company autocompletion, and `get_…`
 * reads of widgets and views (CRM's check for a rainbow man after a save).
 * Offline, its failure is not told to the user.
 *
 * @param {string} url
 * @param {{ silent?: boolean }} [settings] the rpc settings
 */
export function isBackgroundRequest(url, settings) {
    return (
        Boolean(settings?.silent) ||
        MAIL_READ_ROUTES.has(url) ||
        EDITOR_COLLABORATION_ROUTES.has(url) ||
        Boolean(parseCallKw(url)?.method.startsWith("get_"))
    );
}

/**
 * Whether the chatter's request reads the whole of a record's recent messages
 * (not only those after or before one): only those are stored, see MESSAGES_ROUTE.
 *
 * @param {string} url
 * @param {Object} params
 */
export function isPartialRead(url, params) {
    return (
        url === MESSAGES_ROUTE &&
        (params?.after != null || params?.before != null || params?.around != null)
    );
}

/**
 * Whether the answer of a request may be stored online and served offline.
 *
 * @param {string} url
 * @param {Object} params
 */
export function isServableOffline(url, params) {
    return isReadRequest(url, params) || isMenuServerActionRun(url, params);
}

/**
 * The cache key of a read request: route, model, method, arguments and keyword
 * arguments, with the volatile context keys removed, in a stable JSON form.
 *
 * @param {string} url
 * @param {Object} params
 * @returns {string}
 */
export function readCacheKey(url, params) {
    const normalized = paramsWithoutContextKeys(params, VOLATILE_CONTEXT_KEYS);
    if (url === MESSAGES_ROUTE) {
        delete normalized.after;
    }
    const domain = normalized.kwargs?.domain;
    if (normalized.method === "search_read" && isOwnValueOrDomain(domain)) {
        normalized.kwargs = { ...normalized.kwargs, domain: domain.slice(2) };
    }
    return stableStringify([url, normalized]);
}

/**
 * Whether a search domain is `['|', ['id', '=', value], ...]`: in a
 * `search_read`, a statusbar's stages, the record's own stage or those of its
 * domain (a view's own searches keep their key whole). One key for all its
 * values: a stage chosen offline is among those the answer holds, and the
 * statusbar reads them again at each change of the record.
 */
function isOwnValueOrDomain(domain) {
    return (
        Array.isArray(domain) &&
        domain[0] === "|" &&
        Array.isArray(domain[1]) &&
        domain[1][0] === "id" &&
        domain[1][1] === "="
    );
}

/**
 * The labels a stored answer is found by when the web client asks what is
 * available offline:
 * - `action:<id>`: the action can be loaded (menus, action buttons); for a
 *   server action run from a menu, the window action it returned is stored,
 *   under both ids;
 * - `view:<action id>:<view type>`: that view of that action showed data;
 * - `form:<model>:<id>`: the form of that record was opened.
 *
 * @param {string} url
 * @param {Object} params request parameters, without the scope marker
 * @param {{ action?: number|false, view?: string } | null} scope
 * @param {any} result
 * @returns {string[]}
 */
export function readCacheTags(url, params, scope, result) {
    if (url === "/web/action/load") {
        // A server action is only available once what it returns is stored.
        return result?.id && result.type !== "ir.actions.server" ? [actionTag(result.id)] : [];
    }
    if (url === RUN_ROUTE) {
        return [actionTag(params.action_id), actionTag(result.id)];
    }
    const tags = [];
    if (scope?.action && scope.view) {
        tags.push(viewTag(scope.action, scope.view));
    }
    const call = parseCallKw(url);
    if (
        call &&
        scope?.view === "form" &&
        params.method === "web_read" &&
        Array.isArray(params.args?.[0])
    ) {
        for (const id of params.args[0]) {
            tags.push(formTag(params.model, id));
        }
    }
    return tags;
}

/**
 * Whether a read answer may be stored at all. Actions whose use needs the
 * server (reports, URLs), actions with "Data caching" switched off, and server
 * actions that opened anything but a window action are not: offline they are
 * simply unavailable. A server action's own description is kept: from a menu,
 * the window action it returned online is reused offline (see
 * isMenuServerActionRun).
 *
 * @param {string} url
 * @param {any} result
 */
export function isStorableAnswer(url, result) {
    if (url === "/web/action/load") {
        return (
            Boolean(result) &&
            result.data_caching !== false &&
            (result.type === "ir.actions.server" || !SERVER_ONLY_ACTION_TYPES.has(result.type))
        );
    }
    if (url === RUN_ROUTE) {
        return (
            result?.type === "ir.actions.act_window" &&
            Boolean(result.id) &&
            result.data_caching !== false
        );
    }
    return true;
}

export const actionTag = (actionId) => `action:${actionId}`;
export const viewTag = (actionId, viewType) => `view:${actionId}:${viewType}`;
export const formTag = (model, resId) => `form:${model}:${resId}`;
