/**
 * Where the web client's data access meets the outbox.
 *
 * The ORM service is patched (data_path/orm_patch.js) so that every view,
 * whatever its kind:
 * - reads the local copy: answers (from the server or the read cache) with the
 *   queued changes laid over them, and records created offline (local ids)
 *   served from their creation (see local_copy.js);
 * - deletes, archives and unarchives offline: while offline, when the
 *   connection is lost during the request, or when the record already has
 *   queued changes (they must reach the server first), the operation is queued
 *   and answered as done, so the view carries on as after a server answer.
 * Saving forms and list rows is handled on the record (record_offline_save_patch.js),
 * which knows the old values and labels a change needs.
 *
 * Failure model: a queued deletion or (un)archiving is answered as done only
 * once the outbox stored it; a full storage is reported to the user and the
 * operation answered as not done (see outbox/outbox_store.js for the rest).
 */

import { ConnectionLostError } from "@web/core/network/rpc";
import { registry } from "@web/core/registry";
import { Mutex } from "@web/core/utils/concurrency";
import {
    applyChanges,
    applyChangesToSearch,
    changesByRecord,
    recordOfCreation,
} from "./local_copy";
import { stableStringify } from "./cache_key";
import { isLocalId, UNLINK } from "./offline_change";
import { routeOrmThrough } from "./data_path/orm_patch";
import { isOnIdsOnly, namesInRecords, searchNames } from "./record_names";
import { OutboxFullError } from "./outbox/outbox_errors";
import { NotAvailableOfflineError } from "./read_cache/read_cache_service";
import { serverShapedRecord } from "./server_shape";

/** Names of records seen in answers, kept in memory for the last this many records of each model. */
const NAMES_KEPT = 5000;
/** Choices of a relational field fetched in the background when its form is shown online. */
const CHOICES_PREFETCHED = 200;

/** The name_search of a field's first choices: the same online and offline, so that it is stored and found. */
function choicesSearch(domain, context) {
    return { name: "", args: domain, operator: "ilike", limit: CHOICES_PREFETCHED, context };
}

export const offlineLocalCopyService = {
    dependencies: [
        "offline_config",
        "offline_connectivity",
        "offline_outbox",
        "offline_read_cache",
        "notification",
        "action",
        "orm",
    ],
    start(env, services) {
        const {
            offline_config: config,
            offline_connectivity: connectivity,
            offline_outbox: outbox,
            offline_read_cache: readCache,
        } = services;
        if (!config.enabled) {
            routeOrmThrough(null);
            return { enabled: false };
        }

        /** model → id → name of the records seen in this tab (to name changes made to them) */
        const names = new Map();
        /** Relational choices fetched in the background: model, domain and context of each. */
        const prefetchedChoices = new Set();
        /** The background fetches of choices, one at a time. */
        const prefetching = new Mutex();
        /** model → field descriptions, from the views loaded (to shape records as the server does) */
        const fieldsByModel = new Map();
        const fieldsOf = (model) => fieldsByModel.get(model);

        function rememberNames(model, records) {
            if (!names.has(model)) {
                names.set(model, new Map());
            }
            const known = names.get(model);
            for (const record of records) {
                const name = record.display_name || record.name;
                if (typeof name === "string" && name) {
                    known.delete(record.id);
                    known.set(record.id, name);
                }
            }
            while (known.size > NAMES_KEPT) {
                known.delete(known.keys().next().value);
            }
            // Kept in the browser: the choices of relational fields offline.
            readCache.rememberNames(namesInRecords(model, records, fieldsOf));
        }

        function changesOfModel(model) {
            return outbox.state.changes.filter((change) => change.model === model);
        }

        function currentAction() {
            const action = services.action.currentController?.action;
            return { actionId: action?.id || false, actionName: action?.name || "" };
        }

        /**
         * Queues changes, all or none. Resolves to `{ saved: true, changes }`
         * once stored (a change is null when it cancelled out a queued one), or
         * to `{ saved: false }` when the storage is full (the user was told).
         */
        async function queueChanges(descriptions) {
            const action = currentAction();
            try {
                const changes = await outbox.addAll(
                    descriptions.map((description) => ({ ...action, ...description }))
                );
                return { saved: true, changes };
            } catch (error) {
                if (!(error instanceof OutboxFullError)) {
                    throw error;
                }
                services.notification.add(error.userMessage, { type: "danger", sticky: true });
                return { saved: false };
            }
        }

        const localCopy = {
            enabled: true,

            get isOffline() {
                return connectivity.status.isOffline;
            },

            /** Whether changes of this record go to the outbox rather than to the server. */
            shouldQueue(model, resId) {
                return (
                    connectivity.status.isOffline ||
                    isLocalId(resId) ||
                    outbox.hasChanges(model, resId)
                );
            },

            /** Whether `error` means the server is out of reach (confirmed by a probe). */
            async isConnectionLost(error) {
                return (
                    error instanceof ConnectionLostError &&
                    (await connectivity.confirmConnectionLost())
                );
            },

            /** Queues one change; see queueChanges. Resolves to `{ saved, change }`. */
            async queueChange(description) {
                const { saved, changes } = await queueChanges([description]);
                return { saved, change: changes?.[0] };
            },

            recordName(model, resId) {
                return names.get(model)?.get(resId) || "";
            },

            /**
             * Autocompletion of many2one and tags fields. Offline, it is
             * answered from every record of that model whose name this
             * browser has seen (see record_names.js), by name. A field whose
             * domain depends on more than ids (a task's milestone, of its
             * project) is answered from its own choices fetched online with
             * that domain (see prefetchChoices), when they were: a record seen
             * elsewhere may be outside it, and the server would refuse it.
             *
             * @param {string} model
             * @param {Object} kwargs of the name_search
             * @param {(kwargs?: Object) => Promise} search sends a name_search
             *   (read cache and server), with the kwargs given
             */
            async nameSearch(model, kwargs, search) {
                if (!connectivity.status.isOffline) {
                    try {
                        const found = await search();
                        rememberNames(
                            model,
                            found.map(([id, display_name]) => ({ id, display_name }))
                        );
                        return found;
                    } catch (error) {
                        if (!(await localCopy.isConnectionLost(error))) {
                            throw error;
                        }
                    }
                }
                const query = { name: kwargs.name, domain: kwargs.args, limit: kwargs.limit };
                const fieldChoices =
                    !isOnIdsOnly(kwargs.args) &&
                    (await search(choicesSearch(kwargs.args, kwargs.context)).catch(() => null));
                if (fieldChoices) {
                    const choices = fieldChoices.map(([id, name]) => ({ id, name }));
                    return searchNames(choices, { ...query, domain: [] });
                }
                const known = new Map(names.get(model));
                for (const { id, name } of await readCache.namesOf(model)) {
                    known.set(id, name);
                }
                return searchNames(
                    [...known].map(([id, name]) => ({ id, name })),
                    query
                );
            },

            /**
             * Online, fetches in the background the first choices of a
             * relational field (its own name_search, with its domain and
             * context), so that they are offered offline. Once per tab for
             * the same search.
             */
            prefetchChoices(model, domain, context) {
                const key = stableStringify([model, domain, context]);
                if (connectivity.status.isOffline || prefetchedChoices.has(key)) {
                    return;
                }
                prefetchedChoices.add(key);
                prefetching.exec(() =>
                    services.orm.silent
                        .call(model, "name_search", [], choicesSearch(domain, context))
                        .catch(() => prefetchedChoices.delete(key))
                );
            },

            /** Resolves once the choices fetched in the background so far are answered. */
            choicesPrefetched() {
                return prefetching.getUnlockedDef();
            },

            /**
             * Offline, records of another model than the view's that were never
             * read this way, but whose names are known, are answered with
             * their name: what a relational field shows of a record chosen
             * offline (a tag, a row linked to a many2many), read by the
             * relational model with the field's specification.
             */
            async readOrName(model, ids, specification, readFromServer) {
                try {
                    return await readFromServer(ids);
                } catch (error) {
                    const viewModel = services.action.currentController?.props?.resModel;
                    if (!(error instanceof NotAvailableOfflineError) || model === viewModel) {
                        throw error;
                    }
                    const known = new Map(
                        (await readCache.namesOf(model)).map(({ id, name }) => [id, name])
                    );
                    for (const [id, name] of names.get(model) || []) {
                        known.set(id, name);
                    }
                    if (!ids.every((id) => known.has(id))) {
                        throw error;
                    }
                    const fields = fieldsOf(model) || {};
                    return ids.map((id) =>
                        serverShapedRecord(
                            id,
                            { display_name: known.get(id) },
                            fields,
                            specification,
                            fieldsOf
                        )
                    );
                }
            },

            async webRead(model, ids, kwargs, readFromServer) {
                const serverIds = ids.filter((id) => !isLocalId(id));
                const records = serverIds.length
                    ? await localCopy.readOrName(
                          model,
                          serverIds,
                          kwargs.specification || {},
                          readFromServer
                      )
                    : [];
                rememberNames(model, records);
                const changes = changesOfModel(model);
                if (!changes.length) {
                    return records;
                }
                const changesOf = changesByRecord(changes);
                const specification = kwargs.specification || {};
                const byId = new Map(records.map((record) => [record.id, record]));
                for (const record of records) {
                    applyChanges(record, changesOf(record.id), specification, fieldsOf);
                }
                for (const localId of ids.filter(isLocalId)) {
                    const creation = outbox.creationOf(localId);
                    if (creation) {
                        byId.set(
                            localId,
                            recordOfCreation(creation, changesOf(localId), specification, fieldsOf)
                        );
                    }
                }
                return ids.map((id) => byId.get(id)).filter(Boolean);
            },

            async webSearchRead(model, domain, kwargs, searchOnServer) {
                const answer = await searchOnServer();
                rememberNames(model, answer.records);
                const changes = changesOfModel(model);
                if (!changes.length) {
                    return answer;
                }
                return applyChangesToSearch(
                    answer,
                    changes,
                    {
                        domain,
                        specification: kwargs.specification || {},
                        context: kwargs.context,
                        offset: kwargs.offset,
                    },
                    fieldsOf
                );
            },

            /** Loads views; remembers the fields of the models they show (online or from the read cache). */
            async loadViews(load) {
                const answer = await load();
                for (const [model, { fields }] of Object.entries(answer?.models || {})) {
                    fieldsByModel.set(model, { ...fieldsByModel.get(model), ...fields });
                }
                return answer;
            },

            /**
             * Deletes, archives or unarchives records: on the server when it can
             * be reached and the records have nothing queued, else in the outbox.
             * Answers as the server would: true for a deletion, no action for
             * (un)archiving; false when the change could not be stored.
             */
            async changeRecords(model, ids, operation, sendToServer) {
                if (!ids.some((id) => localCopy.shouldQueue(model, id))) {
                    try {
                        return await sendToServer();
                    } catch (error) {
                        if (!(await localCopy.isConnectionLost(error))) {
                            throw error;
                        }
                    }
                }
                const descriptions = ids.map((resId) => ({
                    model,
                    operation,
                    resId,
                    recordName:
                        localCopy.recordName(model, resId) || outbox.creationOf(resId)?.recordName,
                }));
                const { saved } = await queueChanges(descriptions);
                return saved && operation === UNLINK;
            },

            /** Loads a new record's defaults; remembers that `model` has them (served offline by the read cache). */
            async loadDefaults(model, loadFromServer) {
                const wasOnline = !connectivity.status.isOffline;
                const answer = await loadFromServer();
                if (wasOnline) {
                    outbox.rememberModelWithDefaults(model).catch(() => {});
                }
                return answer;
            },
        };
        routeOrmThrough(localCopy);
        return localCopy;
    },
};

registry.category("services").add("offline_local_copy", offlineLocalCopyService);
