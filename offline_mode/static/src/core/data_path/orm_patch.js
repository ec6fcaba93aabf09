/**
 * The data path: how the views' reads and writes reach the server, the read
 * cache and the outbox. Two interception points, both here, and the record's
 * save, which knows the old values a change needs:
 *
 *   views ──▶ Record._save ─────────────── offline / lost ──▶ outbox (queued change)
 *     │       (views/record_offline_save_patch.js)
 *     ▼
 *   ORM ──▶ local copy ──▶ changes of the outbox laid over the answers;
 *     │     (orm_patch.js,  deletions and (un)archiving queued offline
 *     │      local_copy_service.js)
 *     ▼
 *   rpc ──▶ read cache ──▶ online: the server, its answer stored
 *           (rpc_patch.js,  offline: the stored answer, or NotAvailableOfflineError
 *            read_cache/)
 *
 * This file: Odoo's ORM service is patched so that reads, deletions,
 * (un)archiving, name searches, view loading and new record defaults of every
 * view go through the local copy service started last, and a save whose change
 * was queued is answered without the server.
 *
 * Failure behaviour: with no local copy (offline mode off), the ORM behaves
 * as without offline mode; what the local copy does on failure is said in
 * local_copy_service.js.
 */
import { ORM } from "@web/core/orm_service";
import { patch } from "@web/core/utils/patch";
import { ARCHIVE, UNARCHIVE, UNLINK } from "../offline_change";

/** The local copy service started last (one per web client, one per unit test). */
let activeLocalCopy = null;

/**
 * Context key of a save whose change the outbox already holds (see
 * record_offline_save_patch.js): `{ resId }`. Answered here, never sent.
 */
export const QUEUED_SAVE_KEY = "offline_mode_queued_save";

patch(ORM.prototype, {
    webSave(model, ids, values, kwargs = {}) {
        const queued = kwargs.context?.[QUEUED_SAVE_KEY];
        if (!queued) {
            return super.webSave(model, ids, values, kwargs);
        }
        if (kwargs.next_id) {
            // Saved from a form's pager: the next record is read as any other.
            const context = { ...kwargs.context };
            delete context[QUEUED_SAVE_KEY];
            return this.webRead(model, [kwargs.next_id], {
                context,
                specification: kwargs.specification,
            });
        }
        return Promise.resolve([{ id: queued.resId }]);
    },
    webRead(model, ids, kwargs = {}) {
        if (!activeLocalCopy) {
            return super.webRead(model, ids, kwargs);
        }
        return activeLocalCopy.webRead(model, ids, kwargs, (serverIds) =>
            super.webRead(model, serverIds, kwargs)
        );
    },
    webSearchRead(model, domain, kwargs = {}) {
        if (!activeLocalCopy) {
            return super.webSearchRead(model, domain, kwargs);
        }
        return activeLocalCopy.webSearchRead(model, domain, kwargs, () =>
            super.webSearchRead(model, domain, kwargs)
        );
    },
    unlink(model, ids, kwargs = {}) {
        if (!activeLocalCopy) {
            return super.unlink(model, ids, kwargs);
        }
        return activeLocalCopy.changeRecords(model, ids, UNLINK, () =>
            super.unlink(model, ids, kwargs)
        );
    },
    call(model, method, args = [], kwargs = {}) {
        if (!activeLocalCopy) {
            return super.call(model, method, args, kwargs);
        }
        if (method === "action_archive" || method === "action_unarchive") {
            const operation = method === "action_archive" ? ARCHIVE : UNARCHIVE;
            return activeLocalCopy.changeRecords(model, args[0], operation, () =>
                super.call(model, method, args, kwargs)
            );
        }
        if (method === "name_search") {
            return activeLocalCopy.nameSearch(model, kwargs, (sentKwargs = kwargs) =>
                super.call(model, method, args, sentKwargs)
            );
        }
        if (method === "get_views") {
            return activeLocalCopy.loadViews(() => super.call(model, method, args, kwargs));
        }
        if (method === "onchange" && !args[0]?.length) {
            return activeLocalCopy.loadDefaults(model, () =>
                super.call(model, method, args, kwargs)
            );
        }
        return super.call(model, method, args, kwargs);
    },
});

/** Serves the ORM of every view with `localCopy` (null: with the server only). */
export function routeOrmThrough(localCopy) {
    activeLocalCopy = localCopy;
}
