import { patch } from "@web/core/utils/patch";
import { actionService } from "@web/webclient/actions/action_service";
import { SERVER_ONLY_ACTION_TYPES } from "../../core/cache_key";
import { needsServerText } from "../../core/offline_hooks";

/**
 * Offline, reports, server actions and URL actions given as descriptions (print
 * menu, buttons), and buttons calling a method, are refused with a warning
 * instead of failing half-way. Actions given by id are answered by the read
 * cache as far as it may (see isStorableAnswer in core/cache_key.js).
 */
patch(actionService, {
    start(env) {
        const actionManager = super.start(...arguments);
        /** Whether the client is offline; then the user is told the server is needed. */
        const refusedOffline = () => {
            if (!env.services.offline_connectivity?.status.isOffline) {
                return false;
            }
            env.services.notification.add(needsServerText(), { type: "warning" });
            return true;
        };
        const doAction = actionManager.doAction;
        actionManager.doAction = (actionRequest, options) => {
            if (SERVER_ONLY_ACTION_TYPES.has(actionRequest?.type) && refusedOffline()) {
                return Promise.resolve();
            }
            return doAction.call(actionManager, actionRequest, options);
        };
        // Buttons calling a method are grayed out offline; a list whose rows open
        // through a method (Sales' reporting lists) is refused here.
        const doActionButton = actionManager.doActionButton;
        actionManager.doActionButton = (params, options) => {
            if (params.type === "object" && refusedOffline()) {
                return Promise.resolve();
            }
            // Odoo's own reads `this.currentController` (embedded actions).
            return doActionButton.call(actionManager, params, options);
        };
        return actionManager;
    },
});
