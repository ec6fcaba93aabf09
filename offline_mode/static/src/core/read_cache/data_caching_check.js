/**
 * The per-action "Data caching" flag, as the read cache learns it: from the
 * actions the web client loads (also from buttons and server actions), and by
 * loading again, in the background, the actions this browser stored data of
 * (an admin may have switched their data caching off since, even if the user
 * does not open them again). The data of an action whose caching is off is
 * deleted and never stored again in this tab.
 *
 * Failure behaviour: a check that cannot reach the server, or a deletion that
 * fails, is logged and tried again at the next start or reconnection; going
 * offline stops a check under way.
 */
import { delay } from "@web/core/utils/concurrency";
import { actionTag, viewTag } from "../cache_key";
import { sendToServer } from "../data_path/rpc_patch";

/** How long after the client started (or came back online) the stored actions' flags are checked. */
const ACTION_CHECK_DELAY_MS = 5000;

/**
 * @param {Object} readCache
 * @param {import("./read_cache_store").ReadCacheStore} readCache.store
 * @param {Promise} readCache.ready resolved once the store may be used
 * @param {{ status: { isOffline: boolean } }} readCache.connectivity
 * @param {() => void} readCache.forgetAllAvailability
 */
export function makeDataCachingCheck({ store, ready, connectivity, forgetAllAvailability }) {
    /** Actions whose "Data caching" is off, learnt from their loading. */
    const actionsNotCached = new Set();
    /** The check of the stored actions under way, if any (see checkStoredActions). */
    let actionCheck = null;

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
                .then(forgetAllAvailability)
                .catch((error) =>
                    console.warn("offline_mode: could not delete an action's data", error)
                );
        }
    }

    async function checkStoredActions() {
        await ready;
        for (const actionId of await store.storedActionIds()) {
            if (connectivity.status.isOffline) {
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

    /** Loads again, in the background, the actions this browser stored data of. */
    function scheduleActionCheck() {
        actionCheck ??= delay(ACTION_CHECK_DELAY_MS)
            .then(checkStoredActions)
            .catch((error) =>
                console.warn("offline_mode: could not check the stored actions", error)
            )
            .finally(() => (actionCheck = null));
    }

    return {
        /** Whether the data caching of `actionId` is known to be off. */
        isOff: (actionId) => actionsNotCached.has(actionId),
        learnActionCaching,
        checkStoredActions,
        scheduleActionCheck,
    };
}
