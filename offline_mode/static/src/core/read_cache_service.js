import { reactive } from "@odoo/owl";
import { browser } from "@web/core/browser/browser";
import { ConnectionLostError, rpc } from "@web/core/network/rpc";
import { registry } from "@web/core/registry";
import { user } from "@web/core/user";
import { patch } from "@web/core/utils/patch";
import { session } from "@web/session";
import {
    actionTag,
    isBackgroundRequest,
    isPartialRead,
    isServableOffline,
    isStorableAnswer,
    readCacheKey,
    readCacheTags,
    viewTag,
    withoutScope,
} from "./cache_key";
import {
    entryName,
    openEntry,
    openNames,
    openSearches,
    sealEntries,
    sealNames,
    sealSearch,
} from "./crypto/read_cache_sealing";
import { isQuotaError, offlineDatabaseName, ReadCacheStore } from "./indexed_db_store";

const DAY_MS = 24 * 60 * 60 * 1000;
/** Answers are written in batches, this long after the first one of a batch arrived. */
const WRITE_DELAY_MS = 200;
/** Eviction brings the cache this far below the cap, so that it does not run at every write. */
const EVICTION_TARGET_RATIO = 0.9;
/** Records read per request when preparing for offline. */
const PREFETCH_BATCH_SIZE = 20;
/** Searches remembered per action. */
const SEARCHES_PER_ACTION = 20;
/** How long after the client started (or came back online) the stored actions' flags are checked. */
const ACTION_CHECK_DELAY_MS = 5000;

/**
 * A read that failed because the client is offline and the answer was never
 * stored (or has expired). A ConnectionLostError, so code that handles a lost
 * connection handles it the same way.
 */
export class NotAvailableOfflineError extends ConnectionLostError {
    constructor(url) {
        super(url);
        this.message = `"${url}" is not available offline: it was not stored in this browser.`;
    }
}

/**
 * Marks the lost connection of a request the client made on its own (see
 * isBackgroundRequest): the error handler then tells the user nothing.
 *
 * @param {Promise} request a promise of rpc, with its `abort`
 */
function markingBackgroundFailure(request) {
    const marked = request.catch((error) => {
        if (error instanceof ConnectionLostError) {
            error.offlineBackground = true;
        }
        throw error;
    });
    marked.abort = request.abort;
    return marked;
}

/**
 * The rpc function is global, so is its interception: the read cache started
 * last (one per web client; one per test in unit tests) sees every request.
 */
let activeReadCache = null;
patch(rpc, {
    _rpc(url, params, settings) {
        if (!activeReadCache) {
            return super._rpc(url, params, settings);
        }
        return activeReadCache.handleRpc(url, params, settings);
    },
    /** Sends a request to the server, bypassing the read cache. */
    _rpcWithoutReadCache(url, params, settings) {
        return super._rpc(url, params, settings);
    },
});
const sendToServer = (url, params, settings = {}) =>
    rpc._rpcWithoutReadCache(url, params, settings);

/**
 * The read cache: while online, stores in IndexedDB the answer of every read
 * request (and of server actions run from menus, see cache_key.js) after it
 * arrived, without making the request wait; while offline, answers read requests from what was stored, and fails
 * the others with NotAvailableOfflineError. Never serves stored answers online.
 *
 * Failure model: answers waiting in the write batch are lost if the tab closes
 * (they are a cache: the next online visit stores them again); a quota error
 * evicts half of the cache and retries once, then gives up on that batch; two
 * tabs write to the same database (see indexed_db_store.js).
 */
export const offlineReadCacheService = {
    dependencies: ["offline_config", "offline_connectivity", "offline_key"],
    start(env, { offline_config: config, offline_connectivity: connectivity, offline_key: keys }) {
        /** tag → whether some answer carrying it is stored (see cache_key.js) */
        const availability = reactive({});
        if (!config.enabled) {
            activeReadCache = null;
            return makeDisabledReadCache(availability);
        }

        const store = new ReadCacheStore(offlineDatabaseName(session.db, user.userId));
        /**
         * Answers, names and searches are stored sealed with the user's key
         * (crypto/read_cache_sealing.js); without it (locked) none is stored nor served.
         */
        const keyring = keys.ready;
        async function sealed(transform, ...args) {
            const unlocked = await keyring;
            if (!unlocked) {
                throw new Error("offline_mode: the offline data of this user is locked");
            }
            return transform(unlocked, ...args);
        }
        const maxAgeMs = config.cache_expiry_days > 0 ? config.cache_expiry_days * DAY_MS : 0;
        const capBytes = config.storage_cap_mb * 1024 * 1024;
        /** Actions whose "Data caching" is off, learnt from their loading. */
        const actionsNotCached = new Set();
        /** @type {Map<string, import("./indexed_db_store").NewEntry>} */
        const pendingWrites = new Map();
        /** "model:id" → { model, id, name }: record names waiting to be stored */
        const pendingNames = new Map();
        let writeTimer = null;
        let writing = Promise.resolve();
        const pendingLookups = new Set();
        let lookupScheduled = false;
        /** The check of the stored actions under way, if any (see checkStoredActions). */
        let actionCheck = null;

        // A hard refresh asks to forget cached data: done before anything is read or written.
        const ready = (async () => {
            try {
                if (session.offline_mode_hard_reload) {
                    await store.clearReadData();
                }
            } catch (error) {
                console.warn("offline_mode: could not clear the read cache", error);
            }
        })();
        // Housekeeping in the background: the settings may have changed since the last visit.
        ready.then(async () => {
            try {
                if (maxAgeMs) {
                    forgetAvailability((await store.deleteExpired(maxAgeMs)).tags);
                }
                const { bytes } = await store.usage();
                if (bytes > capBytes) {
                    await evictTo(capBytes * EVICTION_TARGET_RATIO);
                }
            } catch (error) {
                console.warn("offline_mode: read cache housekeeping failed", error);
            }
        });

        env.bus.addEventListener("OFFLINE_MODE:CONNECTIVITY_CHANGED", ({ detail }) => {
            if (!detail.isOnline) {
                // What another tab stored or evicted meanwhile: ask the database again.
                forgetAvailability(Object.keys(availability));
            } else {
                scheduleActionCheck();
            }
        });
        scheduleActionCheck();

        function forgetAvailability(tags) {
            for (const tag of tags) {
                delete availability[tag];
            }
        }

        async function evictTo(targetBytes) {
            const { tags } = await store.evictTo(targetBytes);
            forgetAvailability(tags);
        }

        /** Actions come from /web/action/load, but also from buttons and server actions. */
        function learnActionCaching(answer) {
            if (answer?.id && answer.data_caching === true) {
                actionsNotCached.delete(answer.id);
            }
            if (answer?.id && answer.data_caching === false && !actionsNotCached.has(answer.id)) {
                actionsNotCached.add(answer.id);
                // Stored before data caching was switched off: never to be shown again.
                const viewTagPrefix = viewTag(answer.id, "");
                const tagRanges = [
                    IDBKeyRange.only(actionTag(answer.id)),
                    IDBKeyRange.bound(viewTagPrefix, `${viewTagPrefix}\uffff`),
                ];
                ready
                    .then(() => store.deleteTagged(tagRanges))
                    .then(() => forgetAvailability(Object.keys(availability)))
                    .catch((error) =>
                        console.warn("offline_mode: could not delete an action's data", error)
                    );
            }
        }

        /**
         * Loads again, in the background, the actions this browser stored data
         * of: an admin may have switched their data caching off since, even
         * if the user does not open them again (see learnActionCaching).
         */
        function scheduleActionCheck() {
            actionCheck ??= new Promise((resolve) =>
                browser.setTimeout(resolve, ACTION_CHECK_DELAY_MS)
            )
                .then(checkStoredActions)
                .catch((error) =>
                    console.warn("offline_mode: could not check the stored actions", error)
                )
                .finally(() => (actionCheck = null));
        }

        async function checkStoredActions() {
            await ready;
            for (const actionId of await store.storedActionIds()) {
                if (!connectivity.status.isOnline) {
                    return;
                }
                const action = await sendToServer(
                    "/web/action/load",
                    { action_id: actionId },
                    { silent: true }
                ).catch(() => null);
                learnActionCaching(action);
            }
        }

        function remember(url, params, scope, key, answer) {
            const isAction = url === "/web/action/load" || url === "/web/action/run";
            if (isAction) {
                learnActionCaching(answer);
            }
            const actionId = isAction
                ? answer?.id
                : scope?.action || params.kwargs?.options?.action_id;
            if (
                actionsNotCached.has(actionId) ||
                isPartialRead(url, params) ||
                !isStorableAnswer(url, answer)
            ) {
                return;
            }
            // Serialised now: the caller is free to change the answer once it has it.
            const json = JSON.stringify(answer);
            const tags = readCacheTags(url, params, scope, answer);
            pendingWrites.set(key, { key, json, tags });
            if (url === "/web/action/load") {
                // Loaded by XML id, path or id: menus load it by its database id, a
                // reloaded page by its path (the URL shows it).
                for (const actionId of new Set([answer.id, answer.path])) {
                    if (actionId && actionId !== params.action_id) {
                        const alias = readCacheKey(url, { ...params, action_id: actionId });
                        pendingWrites.set(alias, { key: alias, json, tags });
                    }
                }
            }
            scheduleWrite();
        }

        function scheduleWrite() {
            writeTimer ??= browser.setTimeout(() => {
                writeTimer = null;
                writing = writing.then(writePending);
            }, WRITE_DELAY_MS);
        }

        async function writePending() {
            const names = [...pendingNames.values()];
            pendingNames.clear();
            if (names.length) {
                await ready;
                await sealed(sealNames, names)
                    .then((rows) => store.putNames(rows))
                    .catch((error) =>
                        console.warn("offline_mode: could not store record names", error)
                    );
            }
            const answers = [...pendingWrites.values()];
            pendingWrites.clear();
            if (!answers.length) {
                return;
            }
            await ready;
            let entries;
            let usage;
            try {
                entries = await sealed(sealEntries, answers);
                usage = await store.putEntries(entries);
            } catch (error) {
                if (!isQuotaError(error)) {
                    console.warn("offline_mode: could not store answers for offline use", error);
                    return;
                }
                try {
                    await evictTo((await store.usage()).bytes / 2);
                    usage = await store.putEntries(entries);
                } catch (retryError) {
                    console.warn(
                        "offline_mode: browser storage is full, answers not stored",
                        retryError
                    );
                    return;
                }
            }
            for (const { tags } of entries) {
                for (const tag of tags) {
                    availability[tag] = true;
                }
            }
            if (usage.bytes > capBytes) {
                await evictTo(capBytes * EVICTION_TARGET_RATIO);
            }
        }

        async function serve(url, key) {
            await ready;
            let json = pendingWrites.get(key)?.json;
            const unlocked = await keyring;
            const name = unlocked && (await entryName(unlocked, key));
            if (json === undefined && name) {
                const stored = await store.getJson(name, { maxAgeMs }).catch(() => undefined);
                json = stored && (await openEntry(unlocked, name, stored))?.json;
            }
            if (json === undefined) {
                throw new NotAvailableOfflineError(url);
            }
            if (name) {
                store.touch([name]).catch(() => {});
            }
            return JSON.parse(json);
        }

        /** The action and view shown: what the chatter and the messaging menu read for. */
        function shownScope() {
            const controller = env.services.action?.currentController;
            return controller?.action?.id
                ? { action: controller.action.id, view: controller.view?.type }
                : null;
        }

        function handleRpc(url, params, settings) {
            const request = readOrSend(url, params, settings);
            return isBackgroundRequest(url, settings) ? markingBackgroundFailure(request) : request;
        }

        function readOrSend(url, params, settings) {
            const { params: sentParams, scope: ownScope } = withoutScope(params);
            // Stored under the action shown, so that its "Data caching" applies to them too.
            const scope = ownScope || (isBackgroundRequest(url) ? shownScope() : null);
            if (!isServableOffline(url, sentParams)) {
                const request = sendToServer(url, sentParams, settings);
                // Buttons and server actions may return window actions to open.
                request.then(learnActionCaching, () => {});
                return request;
            }
            if (!connectivity.status.isOnline) {
                const served = serve(url, readCacheKey(url, sentParams));
                served.abort = () => {};
                return served;
            }
            // Online, the request leaves at once: the key is only computed once answered.
            const request = sendToServer(url, sentParams, settings);
            const answered = request.then(
                (answer) => {
                    remember(url, sentParams, scope, readCacheKey(url, sentParams), answer);
                    return answer;
                },
                async (error) => {
                    if (
                        error instanceof ConnectionLostError &&
                        (await connectivity.confirmConnectionLost())
                    ) {
                        return serve(url, readCacheKey(url, sentParams));
                    }
                    throw error;
                }
            );
            answered.abort = request.abort;
            return answered;
        }

        /** Resolves once the answers received so far are stored. */
        async function flush() {
            if (writeTimer !== null) {
                browser.clearTimeout(writeTimer);
                writeTimer = null;
                writing = writing.then(writePending);
            }
            await writing;
        }

        async function lookUpAvailability() {
            lookupScheduled = false;
            const tags = [...pendingLookups];
            pendingLookups.clear();
            await ready;
            const found = await store.findTags(tags, { maxAgeMs }).catch(() => new Map());
            for (const tag of tags) {
                availability[tag] = found.get(tag) || false;
            }
        }

        activeReadCache = { handleRpc };

        return {
            availability,
            /**
             * Looks up, unless known, whether answers carrying `tag` can be
             * served offline; `availability[tag]` then says it.
             *
             * @param {string} tag
             */
            lookUp(tag) {
                if (!(tag in availability) && !pendingLookups.has(tag)) {
                    pendingLookups.add(tag);
                    if (!lookupScheduled) {
                        lookupScheduled = true;
                        Promise.resolve().then(lookUpAvailability);
                    }
                }
            },
            /**
             * A stored request that read the form of one record of `model` in
             * that action, to read other records the same way (same fields,
             * same context): null if no form of that action was opened yet.
             *
             * @returns {Promise<{ url: string, params: Object } | null>}
             */
            async formReadRequest(actionId, model) {
                await ready;
                const unlocked = await keyring;
                for (const name of unlocked
                    ? await store.keysWithTag(viewTag(actionId, "form"), 100)
                    : []) {
                    const entry = await openEntry(unlocked, name, await store.getJson(name));
                    if (!entry) {
                        continue;
                    }
                    const [url, params] = JSON.parse(entry.key);
                    if (
                        params.model === model &&
                        params.method === "web_read" &&
                        params.args?.[0]?.length === 1
                    ) {
                        return { url, params };
                    }
                }
                return null;
            },
            /**
             * Reads records with `request` (see formReadRequest) in batches and
             * stores each answer under the key the form of that record would
             * use, so that it opens offline.
             *
             * @param {{ url: string, params: Object }} request
             * @param {{ action: number, view: string }} scope
             * @param {number[]} ids
             * @param {(count: number) => void} onProgress called after each batch
             */
            async storeRecords({ url, params }, scope, ids, onProgress) {
                const [, ...otherArgs] = params.args;
                for (let start = 0; start < ids.length; start += PREFETCH_BATCH_SIZE) {
                    const batch = ids.slice(start, start + PREFETCH_BATCH_SIZE);
                    const records = await sendToServer(
                        url,
                        { ...params, args: [batch, ...otherArgs] },
                        { silent: true }
                    );
                    for (const record of records) {
                        const single = { ...params, args: [[record.id], ...otherArgs] };
                        remember(url, single, scope, readCacheKey(url, single), [record]);
                    }
                    onProgress(batch.length);
                }
                await flush();
            },
            flush,
            checkStoredActions,
            /**
             * Remembers the names of records seen (see record_names.js), the
             * choices of relational fields offline.
             *
             * @param {Array<{ model: string, id: number, name: string }>} names
             */
            rememberNames(names) {
                for (const entry of names) {
                    pendingNames.set(`${entry.model}:${entry.id}`, entry);
                }
                if (names.length) {
                    scheduleWrite();
                }
            },
            /** @returns {Promise<Array<{ id: number, name: string }>>} the records of `model` whose name is known */
            async namesOf(model) {
                await ready;
                const known = new Map();
                const stored = store.namesOf(model).then((rows) => sealed(openNames, model, rows));
                for (const { id, name } of await stored.catch(() => [])) {
                    known.set(id, name);
                }
                for (const entry of pendingNames.values()) {
                    if (entry.model === model) {
                        known.set(entry.id, entry.name);
                    }
                }
                return [...known].map(([id, name]) => ({ id, name }));
            },
            /** Keeps the entries carrying `tag` through eviction and clearing (pending offline changes). */
            pin: (tag) => ready.then(() => store.pin(tag)),
            unpin: (tag) => ready.then(() => store.unpin(tag)),
            usage: () => ready.then(() => store.usage()),
            rememberSearch: (search) =>
                ready
                    .then(() => sealed(sealSearch, { ...search, usedAt: Date.now() }))
                    .then((row) => store.saveSearch(row, SEARCHES_PER_ACTION)),
            searchesFor: (actionId) =>
                ready
                    .then(() => store.searchesFor(actionId))
                    .then((rows) => sealed(openSearches, rows)),
            /** Deletes everything this user stored in this browser (logout). */
            async deleteAllData() {
                activeReadCache = null;
                pendingWrites.clear();
                pendingNames.clear();
                await ready;
                await store.deleteDatabase();
            },
        };
    },
};

function makeDisabledReadCache(availability) {
    return {
        availability,
        lookUp: () => {},
        formReadRequest: async () => null,
        storeRecords: async () => {},
        flush: async () => {},
        checkStoredActions: async () => {},
        rememberNames: () => {},
        namesOf: async () => [],
        pin: async () => {},
        unpin: async () => {},
        usage: async () => ({ bytes: 0, entries: 0 }),
        rememberSearch: async () => {},
        searchesFor: async () => [],
        deleteAllData: async () => {},
    };
}

registry.category("services").add("offline_read_cache", offlineReadCacheService);
// Deleted at logout (see webclient/user_menu/user_menu_items_patch.js).
registry.category("offline_mode_user_data").add("read_cache", {
    deleteData: (env) => env.services.offline_read_cache.deleteAllData(),
});
