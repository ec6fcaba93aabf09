/**
 * Saving a record (form, editable list row, a toggle in a list) without the
 * server: the change goes to the outbox, then the record takes its new values
 * as after a save, so the view goes on as usual.
 *
 * A save is queued when the client is offline, when the record already has
 * queued changes (they must reach the server first, in order) or was created
 * offline, and when the connection is lost during the save. Field changes do
 * not wait for the server's onchange while offline.
 *
 * Nothing lost: the record only counts as saved once the outbox stored the
 * change; if the storage is full the user is told and the record stays dirty.
 * Nothing twice: a new record's online save carries the uuid of its creation
 * (context key `offline_mode_creation`, see models/base.py); when the answer is
 * lost, the creation is queued, or saved again, under that same uuid, and the
 * server answers it with the record it already made.
 * Closing the page while offline queues the change and asks the browser to
 * keep the page (the transaction needs it open until it commits).
 */

import { ConnectionLostError } from "@web/core/network/rpc";
import { patch } from "@web/core/utils/patch";
import { Record } from "@web/model/relational_model/record";
import { _t } from "@web/core/l10n/translation";
import { CREATE, EDITABLE_TYPES, isLocalId, newUuid, WRITE } from "../core/offline_change";
import {
    changesToSave,
    fieldInfoOf,
    isSubRecord,
    isUntouchedDefault,
    originalReadValue,
    recordNameOf,
    toReadValue,
} from "../core/record_values";
import { QUEUED_SAVE_KEY } from "../core/data_path/orm_patch";
import { clientId } from "../core/sync_service";

function localCopyOf(record) {
    const localCopy = record.model.env.services.offline_local_copy;
    return localCopy?.enabled && !isSubRecord(record) ? localCopy : null;
}

/**
 * The change a save of `record` makes, as the outbox takes it; null when
 * there is nothing to save.
 *
 * @returns {{ description: Object|null, unsupported: string[] }}
 */
function describeSave(record) {
    const sent = changesToSave(record);
    const isNew = record.isNew;
    const editable = (name) => EDITABLE_TYPES.has(record.fields[name].type);
    // Read-only on the server (computed, kept by the form with force_save): its
    // value comes from the server's computation, which the sync lets it make.
    // Left empty on a new record: the server computes it from what was set (a
    // quotation's invoice address from its customer), as the onchange it could
    // not run offline would have.
    const isEmptyDefault = (name) =>
        isNew && sent[name] === false && isUntouchedDefault(record, name, sent[name]);
    const names = Object.keys(sent).filter(
        (name) => !record.fields[name].readonly && !isEmptyDefault(name)
    );
    // A new record carries a value for every field: those of other types the
    // user did not touch are left out, and the server gives them the same defaults.
    const unsupported = names.filter(
        (name) => !editable(name) && !(isNew && isUntouchedDefault(record, name, sent[name]))
    );
    if (!isNew && !names.length) {
        return { description: null, unsupported };
    }
    const values = {};
    const original = {};
    const fields = {};
    for (const name of names.filter(editable)) {
        values[name] = toReadValue(record.fields[name].type, record.data[name]);
        fields[name] = fieldInfoOf(record, name);
        if (!isNew) {
            original[name] = originalReadValue(record, name);
        }
    }
    const description = {
        uuid: isNew ? record._offlineCreationUuid : undefined,
        model: record.resModel,
        operation: isNew ? CREATE : WRITE,
        resId: record.resId || undefined,
        values,
        original,
        fields,
        recordName: recordNameOf(record),
    };
    if (isNew) {
        // What the form shows but does not send (computed and read-only fields), to show it again offline.
        description.displayOnly = {};
        for (const name of Object.keys(record.activeFields)) {
            if (name !== "id" && !(name in values) && editable(name)) {
                description.displayOnly[name] = toReadValue(
                    record.fields[name].type,
                    record.data[name]
                );
                fields[name] = fieldInfoOf(record, name);
            }
        }
    }
    return { description, unsupported };
}

/**
 * Runs `save` with `record`'s context carrying, for a new record, the uuid of
 * its creation (see `context` below): the same for every attempt to save it.
 */
async function withCreationUuid(record, save) {
    if (!record.isNew) {
        return save();
    }
    record._offlineCreationUuid ||= newUuid();
    const creation = { uuid: record._offlineCreationUuid, client_id: clientId() };
    return withSaveContext(record, { offline_mode_creation: creation }, save);
}

/** Runs `save` with `values` added to `record`'s context (see `context` below). */
async function withSaveContext(record, values, save) {
    record._offlineSaveContext = values;
    try {
        return await save();
    } finally {
        record._offlineSaveContext = null;
    }
}

/** Lets a lost connection reach the caller instead of the view's error dialog. */
function passingConnectionLost(onError) {
    return (error, helpers) =>
        error instanceof ConnectionLostError ? Promise.reject(error) : onError(error, helpers);
}

patch(Record.prototype, {
    /**
     * During a save: a new record's web_save tells the server the uuid of its
     * creation; a save queued offline is answered by the ORM (QUEUED_SAVE_KEY).
     */
    get context() {
        const context = super.context;
        return this._offlineSaveContext ? { ...context, ...this._offlineSaveContext } : context;
    },

    async _save(options = {}) {
        const localCopy = localCopyOf(this);
        if (!localCopy) {
            return super._save(options);
        }
        if (!localCopy.shouldQueue(this.resModel, this.resId)) {
            try {
                const onError = options.onError && passingConnectionLost(options.onError);
                return await withCreationUuid(this, () => super._save({ ...options, onError }));
            } catch (error) {
                // A record reloaded by the failed save has nothing left to queue.
                if (!this.dirty || !(await localCopy.isConnectionLost(error))) {
                    throw error;
                }
            }
        }

        if (!this._checkValidity({ displayNotification: true })) {
            return false;
        }
        const { description, unsupported } = describeSave(this);
        if (unsupported.length) {
            const labels = unsupported.map((name) => this.fields[name].string).join(", ");
            this.model.notification.add(
                _t(
                    "These fields cannot be saved offline: %(fields)s. Undo their changes or save once online.",
                    {
                        fields: labels,
                    }
                ),
                { type: "danger" }
            );
            return false;
        }
        if (!description) {
            return true;
        }
        const queuing = localCopy.queueChange(description);
        if (this.model._urgentSave) {
            // The page is closing: it cannot wait. Not counted as saved, so the
            // browser asks the user to stay, which lets the outbox commit.
            queuing.catch(() => {});
            return false;
        }
        const { saved, change } = await queuing;
        if (!saved) {
            return false;
        }

        // The stock save goes on, its server call answered by the local copy.
        const queued = { [QUEUED_SAVE_KEY]: { resId: change?.resId ?? this.resId } };
        const succeeded = await withSaveContext(this, queued, () =>
            super._save({ ...options, reload: false })
        );
        if ("display_name" in this.activeFields && description.recordName) {
            this._applyValues({ display_name: description.recordName });
        }
        return succeeded;
    },

    async _getOnchangeValues(changes) {
        const localCopy = localCopyOf(this);
        if (!localCopy) {
            return super._getOnchangeValues(changes);
        }
        if (!localCopy.isOffline && !isLocalId(this.resId)) {
            try {
                return await super._getOnchangeValues(changes);
            } catch (error) {
                if (!(await localCopy.isConnectionLost(error))) {
                    throw error;
                }
            }
        }
        // Offline, or a record the server does not know yet: the value the
        // user typed is kept as is; the server computes the rest on sync.
        return {};
    },
});
