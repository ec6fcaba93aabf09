import { router, startRouter } from "@web/core/browser/router";
import { patch } from "@web/core/utils/patch";

/** A path segment holding a local id: "/odoo/action-12/-3". */
const LOCAL_ID_SEGMENT = /\/-(\d+)(?=\/|$)/g;

/**
 * Records created offline have negative ids until synced (local ids, see
 * core/offline_change.js), and their URL carries them: "/odoo/action-12/-3".
 * Odoo's router reads only digits as ids; this reads "-3" as the id -3, so
 * that such a URL reopens the record after a reload or in a new tab.
 */
patch(router, {
    urlToState(urlObj) {
        const localIds = new Set();
        const pathname = urlObj.pathname.replace(LOCAL_ID_SEGMENT, (segment, digits) => {
            localIds.add(Number(digits));
            return `/${digits}`;
        });
        if (!localIds.size) {
            return super.urlToState(urlObj);
        }
        const state = super.urlToState(
            new URL(pathname + urlObj.search + urlObj.hash, urlObj.href)
        );
        for (const action of new Set([state, ...(state.actionStack || [])])) {
            for (const key of ["resId", "active_id"]) {
                if (localIds.has(action[key])) {
                    action[key] = -action[key];
                }
            }
        }
        return state;
    },
});

// The router read the URL of this page when it was loaded, before the patch.
startRouter();
