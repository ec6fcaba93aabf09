/**
 * The read cache's place on the data path (drawn in orm_patch.js): Odoo's `rpc`
 * function is patched so that every request of the web client goes through the
 * read cache service started last (one per web client; one per test in unit tests).
 *
 * Failure behaviour: with no read cache (offline mode off, or the user's data
 * deleted at logout), requests go to the server untouched, as without offline
 * mode; the read cache's own requests bypass it (sendToServer).
 */
import { rpc } from "@web/core/network/rpc";
import { patch } from "@web/core/utils/patch";

/** @type {{ handleRpc: (url: string, params: Object, settings: Object) => Promise } | null} */
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

/**
 * Sends every request of the web client to `readCache.handleRpc` (null: to
 * the server).
 */
export function routeRpcThrough(readCache) {
    activeReadCache = readCache;
}

/** Sends a request to the server, bypassing the read cache. */
export function sendToServer(url, params, settings = {}) {
    return rpc._rpcWithoutReadCache(url, params, settings);
}
