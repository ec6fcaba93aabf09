import { ConnectionLostError } from "@web/core/network/rpc";
import { registry } from "@web/core/registry";
import { needsServerText, notStoredText } from "./offline_hooks";
import { NotAvailableOfflineError } from "./read_cache/read_cache_service";

/** message → function closing its notification, so that a burst of failures shows it once */
const openNotifications = new Map();

function notifyOnce(env, message) {
    const key = String(message);
    if (openNotifications.has(key)) {
        return;
    }
    const close = env.services.notification.add(message, {
        type: "warning",
        onClose: () => openNotifications.delete(key),
    });
    openNotifications.set(key, close);
}

/**
 * Replaces Odoo's "Connection lost" notification while offline mode is on: the
 * "Working offline" systray item already says the server is out of reach. What
 * the user tried to open is either not stored in this browser, or needs the
 * server (saving, buttons): a short warning says which. Requests the client
 * made on its own fail silently (see isBackgroundRequest).
 */
export function offlineModeErrorHandler(env, error, originalError) {
    if (!(originalError instanceof ConnectionLostError) || !env.services.offline_config?.enabled) {
        return false;
    }
    // Keeps the error service from logging it as an uncaught error.
    error.event?.preventDefault();
    if (originalError.offlineBackground) {
        // Not asked by the user (chatter, messaging menu): a toast would answer nothing they did.
        return true;
    }
    if (originalError instanceof NotAvailableOfflineError) {
        notifyOnce(env, notStoredText());
    } else {
        notifyOnce(env, needsServerText());
    }
    return true;
}

// Before Odoo's own handlers of RPC errors (97) and lost connections (98).
registry
    .category("error_handlers")
    .add("offlineModeErrorHandler", offlineModeErrorHandler, { sequence: 96 });
