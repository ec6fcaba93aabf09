import { reactive } from "@odoo/owl";
import { mountComponent } from "@web/env";
import { _t } from "@web/core/l10n/translation";
import { ConnectionLostError } from "@web/core/network/rpc";
import { registry } from "@web/core/registry";
import { orderByToString } from "@web/search/utils/order_by";
import { View } from "@web/views/view";

/** Most records whose form "Prepare for offline" stores in one go. */
const PREPARE_LIMIT = 200;

/**
 * Opens the form of one record out of sight, the way the action would open it
 * from its list, so that the read cache stores its request: the model for
 * reading the other records the same way.
 */
async function openFormOutOfSight(env, action, resId, resIds) {
    const target = document.createElement("div");
    target.className = "d-none";
    document.body.append(target);
    const formEnv = Object.assign(Object.create(env), {
        config: { actionId: action.id, actionType: action.type, views: action.views },
    });
    const app = await mountComponent(View, target, {
        env: formEnv,
        props: {
            type: "form",
            resModel: action.res_model,
            resId,
            resIds,
            context: action.context,
            domain: action.domain || [],
            groupBy: [],
            display: { mode: action.target || "current" },
            loadActionMenus: true,
            loadIrFilters: action.views.some(([, viewType]) => viewType === "search"),
            selectRecord: () => {},
            createRecord: () => {},
            updateActionState: () => {},
        },
    });
    app.destroy();
    target.remove();
}

/**
 * "Prepare for offline": while online, stores the forms of the records of the
 * list or kanban on screen (its whole search, up to PREPARE_LIMIT records) so
 * that they open offline. Runs in the background; `state` tells its progress.
 *
 * List and kanban views of an action declare themselves with `setCurrentView`
 * when shown (see views/offline_controllers.js).
 */
export const offlinePrepareService = {
    dependencies: [
        "offline_config",
        "offline_connectivity",
        "offline_read_cache",
        "orm",
        "action",
        "notification",
    ],
    start(env, services) {
        const {
            offline_connectivity: connectivity,
            offline_read_cache: readCache,
            orm,
            notification,
        } = services;
        const state = reactive({ isRunning: false, done: 0, total: 0 });
        let currentView = null;

        async function storeForms(view, action) {
            const ids = await orm.silent.search(view.resModel, view.getDomain(), {
                limit: PREPARE_LIMIT,
                order: orderByToString(view.getOrderBy()),
                context: view.getContext(),
            });
            state.total = ids.length;
            if (!ids.length) {
                return 0;
            }
            let request = await readCache.formReadRequest(action.id, view.resModel);
            if (!request) {
                await openFormOutOfSight(env, action, ids[0], ids);
                await readCache.flush();
                request = await readCache.formReadRequest(action.id, view.resModel);
            }
            if (!request) {
                throw new Error(`No form request was stored for action ${action.id}`);
            }
            const scope = { action: action.id, view: "form" };
            await readCache.storeRecords(request, scope, ids, (count) => (state.done += count));
            return ids.length;
        }

        return {
            state,
            /** @param {{ actionId: number, resModel: string, getContext: Function, getDomain: Function, getOrderBy: Function }} view */
            setCurrentView(view) {
                currentView = view;
            },
            forgetView(view) {
                if (currentView === view) {
                    currentView = null;
                }
            },
            get canPrepare() {
                return (
                    services.offline_config.enabled &&
                    !connectivity.status.isOffline &&
                    Boolean(currentView) &&
                    !state.isRunning
                );
            },
            async prepare() {
                const view = currentView;
                const action = env.services.action.currentController?.action;
                if (!view || action?.id !== view.actionId || state.isRunning) {
                    return;
                }
                Object.assign(state, { isRunning: true, done: 0, total: 0 });
                try {
                    const count = await storeForms(view, action);
                    notification.add(_t("%s records are ready to be opened offline.", count), {
                        type: "success",
                    });
                } catch (error) {
                    const message =
                        error instanceof ConnectionLostError
                            ? _t(
                                  "The connection dropped while preparing for offline: %(done)s of %(total)s records are ready.",
                                  state
                              )
                            : _t("Preparing for offline failed: %s", error.message);
                    notification.add(message, { type: "warning" });
                } finally {
                    state.isRunning = false;
                }
            },
        };
    },
};

registry.category("services").add("offline_prepare", offlinePrepareService);
