import { ConfirmationDialog } from "@web/core/confirmation_dialog/confirmation_dialog";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
// Defines the "log_out" item wrapped below: it must be registered first.
import "@web/webclient/user_menu/user_menu_items";

const userMenuRegistry = registry.category("user_menuitems");

/**
 * What each part of offline mode keeps in this browser for the logged-in user,
 * to delete when they log out. Each entry is an object with:
 * - `deleteData(env)`: deletes it (returns a promise);
 * - `countUnsyncedChanges(env)` (optional): how many changes made offline it
 *   holds that have not reached the server yet (the outbox); when any, the
 *   user is warned before anything is deleted.
 */
const offlineUserData = registry.category("offline_mode_user_data");

async function countUnsyncedChanges(env) {
    const counts = await Promise.all(
        offlineUserData.getAll().map((part) => part.countUnsyncedChanges?.(env) || 0)
    );
    return counts.reduce((total, count) => total + count, 0);
}

function confirmLosingChanges(env, count) {
    return new Promise((resolve) => {
        env.services.dialog.add(
            ConfirmationDialog,
            {
                title: _t("Unsynced changes"),
                body: _t(
                    "%(count)s changes made offline have not reached the server yet. Logging out deletes them from this browser.",
                    { count }
                ),
                confirmLabel: _t("Log out and delete them"),
                confirmClass: "btn-danger",
                confirm: () => resolve(true),
                cancelLabel: _t("Stay"),
                cancel: () => resolve(false),
            },
            { onClose: () => resolve(false) }
        );
    });
}

/**
 * Logging out deletes what this user stored in this browser for offline use,
 * after a warning when changes made offline would be lost.
 */
const logOutItem = userMenuRegistry.get("log_out");
userMenuRegistry.add(
    "log_out",
    (env) => {
        const item = logOutItem(env);
        if (!env.services.offline_config.enabled) {
            return item;
        }
        return {
            ...item,
            callback: async () => {
                const count = await countUnsyncedChanges(env);
                if (count && !(await confirmLosingChanges(env, count))) {
                    return;
                }
                const deletions = offlineUserData.getAll().map((part) => part.deleteData(env));
                for (const { reason } of await Promise.allSettled(deletions)) {
                    // Logging out must not depend on the browser storage.
                    if (reason) {
                        console.warn("offline_mode: could not delete offline data", reason);
                    }
                }
                item.callback();
            },
        };
    },
    { force: true }
);

userMenuRegistry.add("offline_mode_prepare", (env) => ({
    type: "item",
    id: "offline_mode_prepare",
    description: _t("Prepare for offline"),
    hide: !env.services.offline_prepare.canPrepare,
    callback: () => env.services.offline_prepare.prepare(),
    sequence: 55,
}));
