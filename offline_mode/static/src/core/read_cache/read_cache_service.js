import { reactive } from "@odoo/owl";
import { ConnectionLostError } from "@web/core/network/rpc";
import { registry } from "@web/core/registry";
import { batched } from "@web/core/utils/timing";
import { user } from "@web/core/user";
import { session } from "@web/session";
import {
    isBackgroundRequest,
    isPartialRead,
    isServableOffline,
    isStorableAnswer,
    readCacheKey,
    readCacheTags,
    withoutScope,
} from "../cache_key";
import {
    entryName,
    openEntry,
    openNames,
    openSearches,
    sealSearch,
} from "../crypto/read_cache_sealing";
import { makeDataCachingCheck } from "./data_caching_check";
import { offlineDatabaseName } from "./read_cache_schema";
import { makeRecordPrefetch } from "./record_prefetch";
import { ReadCacheStore } from "./read_cache_store";
import { routeRpcThrough, sendToServer } from "../data_path/rpc_patch";
import { EVICTION_TARGET_RATIO, makeWriteBatch } from "./write_batch";

const DAY_MS = 24 * 60 * 60 * 1000;
/** Searches remembered per action. */
const SEARCHES_PER_ACTION = 20;

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
 * The read cache: while online, stores in IndexedDB the answer of every read
 * request (and of server actions run from menus, see cache_key.js) after it
 * arrived, without making the request wait (write_batch.js); while offline,
 * answers read requests from what was stored, and fails the others with
 * NotAvailableOfflineError. Never serves stored answers online. Requests reach
 * it through rpc_patch.js; what it stores is in read_cache_store.js, what
 * leaves it in read_cache_eviction.js and data_caching_check.js.
 *
 * Failure model: answers waiting in the write batch are lost if the tab closes
 * (they are a cache: the next online visit stores them again); a quota error
 * evicts half of the cache and retries once, then gives up on that batch; two
 * tabs write to the same database (see read_cache_store.js); a stored answer
 * that cannot be read or opened is answered as not available offline.
 */
export const offlineReadCacheService = {
    dependencies: ["offline_config", "offline_connectivity", "offline_key"],
    start(env, { offline_config: config, offline_connectivity: connectivity, offline_key: keys }) {
        /** tag → whether some answer carrying it is stored (see cache_key.js) */
        const availability = reactive({});
        if (!config.enabled) {
            routeRpcThrough(null);
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
        const pendingLookups = new Set();

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

        const forgetAllAvailability = () => forgetAvailability(Object.keys(availability));
        const dataCaching = makeDataCachingCheck({
            store,
            ready,
            connectivity,
            forgetAllAvailability,
        });
        const writes = makeWriteBatch({
            store,
            ready,
            sealed,
            evictTo,
            capBytes,
            onStored: (tags) => tags.forEach((tag) => (availability[tag] = true)),
        });

        env.bus.addEventListener("OFFLINE_MODE:CONNECTIVITY_CHANGED", ({ detail }) => {
            if (!detail.isOnline) {
                // What another tab stored or evicted meanwhile: ask the database again.
                forgetAllAvailability();
            } else {
                dataCaching.scheduleActionCheck();
            }
        });
        dataCaching.scheduleActionCheck();

        function forgetAvailability(tags) {
            for (const tag of tags) {
                delete availability[tag];
            }
        }

        async function evictTo(targetBytes) {
            const { tags } = await store.evictTo(targetBytes);
            forgetAvailability(tags);
        }

        function remember(url, params, scope, key, answer) {
            const isAction = url === "/web/action/load" || url === "/web/action/run";
            if (isAction) {
                dataCaching.learnActionCaching(answer);
            }
            const actionId = isAction
                ? answer?.id
                : scope?.action || params.kwargs?.options?.action_id;
            if (
                dataCaching.isOff(actionId) ||
                isPartialRead(url, params) ||
                !isStorableAnswer(url, answer)
            ) {
                return;
            }
            // Serialised now: the caller is free to change the answer once it has it.
            const json = JSON.stringify(answer);
            const tags = readCacheTags(url, params, scope, answer);
            writes.add({ key, json, tags });
            if (url === "/web/action/load") {
                // Loaded by XML id, path or id: menus load it by its database id, a
                // reloaded page by its path (the URL shows it).
                for (const actionId of new Set([answer.id, answer.path])) {
                    if (actionId && actionId !== params.action_id) {
                        const alias = readCacheKey(url, { ...params, action_id: actionId });
                        writes.add({ key: alias, json, tags });
                    }
                }
            }
            writes.schedule();
        }

        async function serve(url, key) {
            await ready;
            let json = writes.answers.get(key)?.json;
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
                request.then(dataCaching.learnActionCaching, () => {});
                return request;
            }
            if (connectivity.status.isOffline) {
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

        async function lookUpAvailability() {
            const tags = [...pendingLookups];
            pendingLookups.clear();
            await ready;
            const found = await store.findTags(tags, { maxAgeMs }).catch(() => new Map());
            for (const tag of tags) {
                availability[tag] = found.get(tag) || false;
            }
        }

        /** The lookups asked while a view renders, made together. */
        const lookUpSoon = batched(lookUpAvailability);

        routeRpcThrough({ handleRpc });

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
                    lookUpSoon();
                }
            },
            ...makeRecordPrefetch({ store, ready, keyring, remember, flush: writes.flush }),
            flush: writes.flush,
            checkStoredActions: dataCaching.checkStoredActions,
            /**
             * Remembers the names of records seen (see record_names.js), the
             * choices of relational fields offline.
             *
             * @param {Array<{ model: string, id: number, name: string }>} names
             */
            rememberNames(names) {
                for (const entry of names) {
                    writes.names.set(`${entry.model}:${entry.id}`, entry);
                }
                if (names.length) {
                    writes.schedule();
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
                for (const entry of writes.names.values()) {
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
                routeRpcThrough(null);
                writes.clear();
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
