import { browser } from "@web/core/browser/browser";
import { registry } from "@web/core/registry";
import { user } from "@web/core/user";
import { session } from "@web/session";

/**
 * Offline copies of files and images (/web/content, /web/image): the service
 * worker keeps those loaded online in the Cache Storage of the logged-in user
 * and serves them when the network fails (static/service_worker/offline_files.js;
 * the worker learns the user from the offline_shell service). This service
 * deletes them on a hard refresh and at logout.
 */
function offlineFilesCacheName(odooDatabase, userId) {
    return `offline_mode_files:${odooDatabase}:${userId}`;
}

export const offlineFilesService = {
    dependencies: ["offline_config"],
    start(env, { offline_config: config }) {
        const cacheName = offlineFilesCacheName(session.db, user.userId);
        const canKeepFiles =
            config.enabled && Boolean(browser.navigator.serviceWorker && window.caches);
        if (canKeepFiles && session.offline_mode_hard_reload) {
            caches.delete(cacheName);
        }
        return {
            /** Deletes this user's offline files. */
            async deleteFiles() {
                if (canKeepFiles) {
                    await caches.delete(cacheName);
                }
            },
        };
    },
};

registry.category("services").add("offline_files", offlineFilesService);
registry.category("offline_mode_user_data").add("files", {
    deleteData: (env) => env.services.offline_files.deleteFiles(),
});
