/**
 * The outbox service: the outbox of the current user (outbox_store.js) with a
 * reactive copy of its content for the views, the pins of the cached forms of
 * changed records, the guard against leaving with unsynced changes, and the
 * message that tells the other tabs (see outbox_store.js for what each path
 * guarantees).
 */

import { markRaw, reactive } from "@odoo/owl";
import { browser } from "@web/core/browser/browser";
import { registry } from "@web/core/registry";
import { user } from "@web/core/user";
import { Mutex } from "@web/core/utils/concurrency";
import { debounce } from "@web/core/utils/timing";
import { session } from "@web/session";
import { formTag } from "../cache_key";
import { CREATE, isLocalId, newUuid, PENDING, utcNow } from "../offline_change";
import { withResolvedIds } from "./merge_planning";
import { OutboxLockedError } from "./outbox_errors";
import { outboxDatabaseName } from "./outbox_schema";
import { OutboxStore } from "./outbox_store";

/** Pins of cached forms wait for a pause of this long in the changes. */
const PIN_DELAY_MS = 1000;

/**
 * The outbox of the current user, with a reactive copy of its content for the
 * interface (`changes`, in queue order).
 */
export const offlineOutboxService = {
    dependencies: ["offline_config", "offline_key", "offline_read_cache", "offline_tabs"],
    start(
        env,
        {
            offline_config: config,
            offline_key: keys,
            offline_read_cache: readCache,
            offline_tabs: tabs,
        }
    ) {
        const state = reactive({
            /**
             * The queue, in order; replaced as a whole on each change, its
             * changes never modified (so it is kept raw: no deep reactivity).
             * @type {import("../offline_change").OfflineChange[]}
             */
            changes: markRaw([]),
            /** changes waiting to be sent */
            pendingCount: 0,
            /** changes the server refused (conflict or rejected) */
            failedCount: 0,
            /** local id → real id, for records created offline and synced since */
            resolvedIds: {},
            /** models whose new-record defaults were fetched online: they can be created offline */
            modelsWithDefaults: new Set(),
        });
        if (!config.enabled) {
            return makeDisabledOutbox(state);
        }
        const name = outboxDatabaseName(session.db, user.userId);
        const store = new OutboxStore(name, keys.ready);
        /** "model,resId" → its changes in order, and local id → creation: lookups for every view */
        let changesByRecord = new Map();
        let creations = new Map();
        /** form tags this tab asked the read cache to keep (see cache_key.js); "model,resId" → tag to look at */
        const pinnedTags = new Set();
        const recordsToCheck = new Map();
        const updatePinsSoon = debounce(updatePins, PIN_DELAY_MS);

        function setChanges(changes) {
            state.changes = markRaw(changes);
            state.pendingCount = 0;
            state.failedCount = 0;
            changesByRecord = new Map();
            creations = new Map();
            changes.forEach((change) => indexChange(change, +1));
        }

        /** Counts `change` in (`sign` +1) or out (-1) of the lookups. */
        function indexChange(change, sign) {
            const key = `${change.model},${change.resId}`;
            if (change.status === PENDING) {
                state.pendingCount += sign;
            } else {
                state.failedCount += sign;
            }
            if (sign > 0) {
                if (!changesByRecord.has(key)) {
                    changesByRecord.set(key, []);
                }
                changesByRecord.get(key).push(change);
                if (change.operation === CREATE) {
                    creations.set(change.resId, change);
                }
                return;
            }
            const remaining = changesByRecord
                .get(key)
                .filter((queued) => queued.uuid !== change.uuid);
            if (remaining.length) {
                changesByRecord.set(key, remaining);
            } else {
                changesByRecord.delete(key);
            }
            if (creations.get(change.resId) === change) {
                creations.delete(change.resId);
            }
        }

        /**
         * The usual edit — changes rewritten in place, new ones queued last —
         * applied without going over the whole queue, so that queueing stays as
         * fast with 10,000 changes waiting. False (nothing done) for another edit.
         */
        function appendOrReplace(put) {
            const changes = state.changes.slice();
            const positions = new Map();
            let lastSeq = changes.at(-1)?.seq ?? -Infinity;
            for (const change of put) {
                const records = changesByRecord.get(`${change.model},${change.resId}`) || [];
                const previous = records.find((queued) => queued.uuid === change.uuid);
                if (previous && previous.seq === change.seq && !positions.has(change.uuid)) {
                    positions.set(change.uuid, changes.lastIndexOf(previous));
                } else if (!previous && change.seq > lastSeq && !positions.has(change.uuid)) {
                    lastSeq = change.seq;
                    positions.set(change.uuid, changes.push(null) - 1);
                } else {
                    return false;
                }
            }
            for (const change of put) {
                const position = positions.get(change.uuid);
                if (changes[position]) {
                    indexChange(changes[position], -1);
                }
                changes[position] = change;
                indexChange(change, +1);
            }
            state.changes = markRaw(changes);
            return true;
        }

        /** Any edit, applied by rebuilding the queue; returns the changes it touched. */
        function rebuild(put, remove) {
            const removed = new Set(remove);
            const byUuid = new Map();
            for (const change of state.changes) {
                if (!removed.has(change.uuid)) {
                    byUuid.set(change.uuid, change);
                }
            }
            const touched = state.changes.filter((change) => removed.has(change.uuid));
            for (const change of put) {
                byUuid.set(change.uuid, change);
                touched.push(change);
            }
            setChanges([...byUuid.values()].sort((a, b) => a.seq - b.seq));
            return touched;
        }

        async function refresh() {
            // The changes first: opening them waits for the key, and what is read
            // before would be stale by then.
            const changes = await store.all();
            const [resolvedIds, models] = await Promise.all([
                store.resolvedIds(),
                store.modelsWithDefaults(),
            ]);
            setChanges(changes);
            state.resolvedIds = resolvedIds;
            state.modelsWithDefaults = new Set(models);
        }

        /**
         * After a write of this tab: the same edits on the reactive copy (no
         * need to read the database again), the cached data of changed records
         * kept through eviction, and the other tabs told to read it again.
         */
        function applyEdits({ put, remove }) {
            if (!put.length && !remove.length) {
                return;
            }
            const touched = remove.length || !appendOrReplace(put) ? rebuild(put, remove) : put;
            tabs.post({ type: "changed" });
            for (const { model, resId } of touched) {
                if (!isLocalId(resId)) {
                    recordsToCheck.set(`${model},${resId}`, formTag(model, resId));
                }
            }
            updatePinsSoon();
        }

        /**
         * Asks the read cache to keep (or no longer keep) the cached forms of
         * records with changes. Done after a burst of changes, not in the way
         * of each save: a record's form stays cached meanwhile anyway (recently used).
         */
        function updatePins() {
            for (const [record, tag] of recordsToCheck) {
                const isChanged = changesByRecord.has(record);
                if (isChanged && !pinnedTags.has(tag)) {
                    pinnedTags.add(tag);
                    readCache.pin(tag).catch(() => {});
                } else if (!isChanged && pinnedTags.has(tag)) {
                    pinnedTags.delete(tag);
                    readCache.unpin(tag).catch(() => {});
                }
            }
            recordsToCheck.clear();
        }

        /**
         * Asks the browser not to clear this site's storage when the disk runs
         * low (it may do so otherwise, outbox included), once changes wait in it.
         */
        let persistenceAsked = false;
        function askForPersistentStorage() {
            if (!persistenceAsked) {
                persistenceAsked = true;
                browser.navigator.storage?.persist?.().catch(() => {});
            }
        }

        // Another tab changed the outbox: read it again, once for a burst of
        // changes (while a reading runs, one more at most waits for it).
        const refreshes = new Mutex();
        let isRefreshWaiting = false;
        tabs.on("changed", () => {
            if (isRefreshWaiting) {
                return;
            }
            isRefreshWaiting = true;
            refreshes.exec(() => {
                isRefreshWaiting = false;
                return refresh();
            });
        });

        const ready = refresh()
            .then(() => store.sealAgainWithCurrentKey())
            .catch((error) =>
                error instanceof OutboxLockedError
                    ? console.warn("offline_mode: the outbox stays closed:", error.message)
                    : // e.g. deleted meanwhile by a logout in another tab
                      console.warn("offline_mode: cannot read the outbox", error)
            );

        const outbox = {
            state,
            ready,

            /**
             * Queues changes made offline, each merged with those of its record.
             * Resolves once they are all stored, to each change as queued (null
             * when it cancelled out). Throws OutboxFullError when the browser
             * storage is full: then none is queued.
             *
             * @param {Array<{ uuid?: string, model: string, operation: string, resId?: number, values?: Object, original?: Object,
             *   fields?: Object, recordName?: string, actionId?: number|false, actionName?: string }>} descriptions
             */
            async addAll(descriptions) {
                await ready;
                const madeAt = utcNow();
                const changes = descriptions.map((description) =>
                    withResolvedIds(
                        {
                            values: {},
                            original: {},
                            fields: {},
                            recordName: "",
                            actionId: false,
                            actionName: "",
                            ...description,
                            // a creation whose online save got no answer keeps the uuid it was sent with
                            uuid: description.uuid || newUuid(),
                            madeAt,
                            status: PENDING,
                            sent: false,
                            force: false,
                            error: null,
                            conflicts: null,
                        },
                        state.resolvedIds
                    )
                );
                const { queued, ...edits } = await store.enqueue(changes);
                applyEdits(edits);
                env.bus.trigger("OFFLINE_MODE:CHANGE_QUEUED");
                askForPersistentStorage();
                return queued;
            },

            /** One change: see addAll. */
            async add(description) {
                return (await outbox.addAll([description]))[0];
            },

            /** Drops a change (and, for a creation, the changes of its record): the local copy goes back. */
            async discard(uuid) {
                const edits = await store.remove(uuid);
                const records = state.changes
                    .filter((change) => edits.remove.includes(change.uuid))
                    .map(({ model, resId }) => ({ model, resId }));
                applyEdits(edits);
                env.bus.trigger("OFFLINE_MODE:CHANGES_DISCARDED", { records });
            },

            /** "Keep mine" on a conflict: sent again, applied over the other edit. */
            async keepMine(uuid) {
                applyEdits(
                    await store.update(uuid, (change) => ({
                        ...change,
                        status: PENDING,
                        force: true,
                        conflicts: null,
                    }))
                );
                env.bus.trigger("OFFLINE_MODE:CHANGE_QUEUED");
            },

            /** Changes queued for a record, in order. */
            changesOf(model, resId) {
                return changesByRecord.get(`${model},${resId}`) || [];
            },

            hasChanges(model, resId) {
                return changesByRecord.has(`${model},${resId}`);
            },

            /** The creation a record created offline came from. */
            creationOf(localId) {
                return creations.get(localId);
            },

            async rememberModelWithDefaults(model) {
                if (!state.modelsWithDefaults.has(model)) {
                    await store.addModelWithDefaults(model);
                    state.modelsWithDefaults.add(model);
                    tabs.post({ type: "changed" });
                }
            },

            // For the sync client.
            async takeBatch(limit, excluded) {
                const { batch, ...edits } = await store.takeBatch(limit, excluded);
                applyEdits(edits);
                return batch;
            },
            async settle(results) {
                const { applied, resolvedIds, ...edits } = await store.settle(results);
                Object.assign(state.resolvedIds, resolvedIds);
                applyEdits(edits);
                return { applied, resolvedIds };
            },
            refresh,

            /** Deletes the outbox of this user from this browser (logout, after a warning). */
            async deleteAll() {
                await store.deleteDatabase();
                setChanges([]);
            },
        };
        browser.addEventListener("beforeunload", (event) => {
            if (state.changes.length) {
                // The browser asks the user to confirm leaving: the changes are
                // kept either way, but will not sync until the app is opened again.
                event.preventDefault();
                event.returnValue = "";
            }
        });
        return outbox;
    },
};

/** Offline mode off: an empty queue, for the markers views show anyway. */
function makeDisabledOutbox(state) {
    return { state, changesOf: () => [] };
}

registry.category("services").add("offline_outbox", offlineOutboxService);

// Logging out warns about unsynced changes, then deletes them (see the user menu patch).
registry.category("offline_mode_user_data").add("outbox", {
    countUnsyncedChanges: (env) => env.services.offline_outbox.state.changes.length,
    deleteData: (env) => env.services.offline_outbox.deleteAll(),
});
