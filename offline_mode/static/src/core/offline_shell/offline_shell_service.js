import { reactive } from "@odoo/owl";
import { browser } from "@web/core/browser/browser";
import { debounce } from "@web/core/utils/timing";
import { registry } from "@web/core/registry";
import { user } from "@web/core/user";
import { session } from "@web/session";

/** How long after the web client is ready its files are listed: fonts and images load last. */
const KEEP_DELAY_MS = 1000;
/** Static files of a module, as the worker keeps them (isShellFile there). */
const STATIC_FILE_PATH = /^\/[\w.-]+\/static\//;
/** Where the worker lists the shell's entries and their sizes (OFFLINE_SHELL_INDEX_KEY there). */
const SHELL_INDEX_KEY = "/offline_mode/shell/index";

export function offlineShellCacheName(odooDatabase, userId) {
    return `offline_mode_shell:${odooDatabase}:${userId}`;
}

/** Where the size of this user's shell is remembered between two starts (see read_cache_cap_patch.js). */
export function shellBytesKey(odooDatabase, userId) {
    return `offline_mode_shell_bytes:${odooDatabase}:${userId}`;
}

/**
 * The web client's shell, kept by the service worker for starting offline
 * (static/service_worker/offline_shell.js). This service:
 * - tells the worker who is logged in and, after an online start, which files
 *   the page loaded (those loaded before the worker controlled the page are
 *   kept that way), once this user's key is stored (the worker seals the page
 *   with it, see core/crypto/);
 * - after an offline start (the worker served the kept page), puts the client
 *   offline at once;
 * - deletes this user's shell on a hard refresh and at logout;
 * - asks the browser to keep offline data (persistent storage); `state.persisted`
 *   says whether it agreed (null until known);
 * - remembers the size of the shell, which counts in the storage cap.
 */
export const offlineShellService = {
    dependencies: ["offline_config", "offline_connectivity", "offline_key"],
    start(env, { offline_config: config, offline_connectivity: connectivity, offline_key: keys }) {
        const state = reactive({ persisted: null });
        const worker = browser.navigator.serviceWorker;
        const cacheName = offlineShellCacheName(session.db, user.userId);
        const canKeepShell = config.enabled && Boolean(worker && window.caches);

        function tellWorker(message) {
            worker?.ready.then((registration) =>
                registration.active?.postMessage({ type: "offline_mode:session", ...message })
            );
        }

        const isOwnOrigin = (url) => new URL(url).origin === browser.location.origin;

        function keepWhatWasLoaded() {
            const keep = performance
                .getEntriesByType("resource")
                .map((entry) => entry.name)
                .filter(isOwnOrigin);
            tellWorker({ user: `${session.db}:${user.userId}`, keep });
            keepStaticFilesLoadedLater();
        }

        /**
         * Static files some views load when shown (a country's flag, a module's
         * icon) are kept too, as they are loaded: they are the same for every
         * record and never carry data.
         */
        function keepStaticFilesLoadedLater() {
            const loaded = new Set();
            const keepLoaded = debounce(() => {
                tellWorker({ user: `${session.db}:${user.userId}`, keep: [...loaded] });
                loaded.clear();
            }, KEEP_DELAY_MS);
            new PerformanceObserver((entries) => {
                for (const { name } of entries.getEntries()) {
                    if (isOwnOrigin(name) && STATIC_FILE_PATH.test(new URL(name).pathname)) {
                        loaded.add(name);
                        keepLoaded();
                    }
                }
            }).observe({ type: "resource" });
        }

        async function rememberShellBytes() {
            const index = await caches.match(SHELL_INDEX_KEY, { cacheName });
            const bytes = index
                ? Object.values((await index.json()).bytes).reduce((sum, size) => sum + size, 0)
                : 0;
            browser.localStorage.setItem(shellBytesKey(session.db, user.userId), String(bytes));
        }

        async function askPersistentStorage() {
            const storage = browser.navigator.storage;
            state.persisted = Boolean(
                storage?.persist && ((await storage.persisted()) || (await storage.persist()))
            );
        }

        if (!config.enabled) {
            tellWorker({ user: null });
            return { state, deleteShell: async () => {} };
        }
        askPersistentStorage().catch(() => (state.persisted = false));
        if (session.offline_mode_started_offline) {
            // The server could not be reached for this very page.
            connectivity.confirmConnectionLost();
        }
        if (canKeepShell) {
            if (session.offline_mode_hard_reload) {
                caches
                    .delete(cacheName)
                    .finally(() => tellWorker({ user: `${session.db}:${user.userId}` }));
            } else if (!session.offline_mode_started_offline) {
                const loaded = new Promise((resolve) =>
                    env.bus.addEventListener(
                        "WEB_CLIENT_READY",
                        () => browser.setTimeout(resolve, KEEP_DELAY_MS),
                        {
                            once: true,
                        }
                    )
                );
                Promise.all([loaded, keys.ready]).then(
                    ([, keyring]) => keyring && keepWhatWasLoaded()
                );
            }
            rememberShellBytes().catch((error) =>
                console.warn("offline_mode: shell size unknown", error)
            );
        }

        return {
            state,
            /** Deletes this user's shell; the worker forgets the user (logout). */
            async deleteShell() {
                if (canKeepShell) {
                    tellWorker({ user: null });
                    await caches.delete(cacheName);
                }
            },
        };
    },
};

registry.category("services").add("offline_shell", offlineShellService);
// Deleted at logout (see webclient/user_menu/user_menu_items_patch.js).
registry.category("offline_mode_user_data").add("shell", {
    deleteData: (env) => env.services.offline_shell.deleteShell(),
});
