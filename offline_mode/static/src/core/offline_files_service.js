import { browser } from "@web/core/browser/browser";
import { registry } from "@web/core/registry";
import { user } from "@web/core/user";
import { session } from "@web/session";

/**
 * Offline copies of files and images (/web/content, /web/image): the service
 * worker keeps those loaded online in the Cache Storage of the logged-in user
 * and serves them when the network fails (static/service_worker/offline_files.js).
 * This service tells the worker which cache is this user's, and deletes it on a
 * hard refresh and at logout.
 */
export function offlineFilesCacheName(odooDatabase, userId) {
    return `offline_mode_files:${odooDatabase}:${userId}`;
}

function tellWorker(cacheName) {
    const message = { type: "offline_mode:files_cache", name: cacheName };
    // Without a worker (first visit, other scope), there is nothing to tell.
    browser.navigator.serviceWorker?.controller?.postMessage(message);
    browser.navigator.serviceWorker?.ready.then((registration) => registration.active?.postMessage(message));
}

export const offlineFilesService = {
    dependencies: ["offline_config"],
    start(env, { offline_config: config }) {
        const cacheName = offlineFilesCacheName(session.db, user.userId);
        const canKeepFiles = config.enabled && Boolean(browser.navigator.serviceWorker && window.caches);
        if (canKeepFiles) {
            const cleared = session.offline_mode_hard_reload ? caches.delete(cacheName) : Promise.resolve();
            cleared.finally(() => tellWorker(cacheName));
        }
        return {
            /** Deletes this user's offline files; the worker stops keeping files. */
            async deleteFiles() {
                if (canKeepFiles) {
                    tellWorker(null);
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
