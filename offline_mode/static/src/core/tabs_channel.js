import { browser } from "@web/core/browser/browser";
import { registry } from "@web/core/registry";
import { user } from "@web/core/user";
import { session } from "@web/session";

export function tabsChannelName(odooDatabase, userId) {
    return `offline_mode_tabs:${odooDatabase}:${userId}`;
}

/**
 * The one channel between the tabs of this browser that share an outbox (same
 * database and user), opened on first use. Messages are plain objects with a
 * `type`:
 * - from the outbox: `changed` (read the outbox again);
 * - from the sync client: `sending` (uuids, progress), `synced` (records,
 *   resolved ids), `idle`.
 * A tab does not receive its own messages.
 *
 * A message posted while the page is going away (its channel already closed)
 * has no one left to tell in this page, and is dropped.
 */
export const offlineTabsService = {
    start() {
        /** type → handlers of the messages of that type */
        const handlers = new Map();
        let channel = null;

        function open() {
            if (!channel) {
                channel = new browser.BroadcastChannel(tabsChannelName(session.db, user.userId));
                channel.onmessage = ({ data }) => {
                    for (const handler of handlers.get(data?.type) || []) {
                        handler(data);
                    }
                };
            }
            return channel;
        }

        return {
            /** @param {{ type: string }} message */
            post(message) {
                try {
                    open().postMessage(message);
                } catch (error) {
                    if (error.name !== "InvalidStateError") {
                        throw error;
                    }
                }
            },
            /**
             * @param {string} type
             * @param {(message: Object) => void} handler called with each message of that type
             */
            on(type, handler) {
                open();
                handlers.set(type, [...(handlers.get(type) || []), handler]);
            },
        };
    },
};

registry.category("services").add("offline_tabs", offlineTabsService);
