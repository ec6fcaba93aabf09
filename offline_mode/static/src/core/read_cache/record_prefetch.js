/**
 * Preparing records for offline use ("Make available offline"): records of an
 * action are read the way its form read one of them (same fields, same
 * context), and each answer is stored under the key the form of that record
 * would use, so that it opens offline.
 *
 * Failure behaviour: a batch the server does not answer fails the whole
 * preparation (the caller reports it); what earlier batches stored stays.
 * Without the user's key (locked), no form request is found.
 */
import { openEntry } from "../crypto/read_cache_sealing";
import { readCacheKey, viewTag } from "../cache_key";
import { sendToServer } from "../data_path/rpc_patch";

/** Records read per request when preparing for offline. */
const PREFETCH_BATCH_SIZE = 20;

/**
 * @param {Object} readCache
 * @param {import("./read_cache_store").ReadCacheStore} readCache.store
 * @param {Promise} readCache.ready resolved once the store may be used
 * @param {Promise<Object|null>} readCache.keyring the user's keyring (null: locked)
 * @param {(url: string, params: Object, scope: Object, key: string, answer: any) => void} readCache.remember
 *   stores an answer as if it came from a request
 * @param {() => Promise} readCache.flush resolves once what was remembered is stored
 */
export function makeRecordPrefetch({ store, ready, keyring, remember, flush }) {
    return {
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
    };
}
