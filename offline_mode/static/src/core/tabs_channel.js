import { browser } from "@web/core/browser/browser";

/**
 * The channel between the tabs of this browser that share an outbox (same
 * database and user). Messages are plain objects with a `type`:
 * - outbox: `changed` (read the outbox again);
 * - sync: `sending` (uuids, progress), `synced` (records, resolved ids), `idle`.
 *
 * A message posted while the page is going away (its channel already closed)
 * has no one left to tell in this page, and is dropped.
 *
 * @param {string} name
 */
export function tabsChannel(name) {
    const channel = new browser.BroadcastChannel(name);
    return {
        post(message) {
            try {
                channel.postMessage(message);
            } catch (error) {
                if (error.name !== "InvalidStateError") {
                    throw error;
                }
            }
        },
        /** @param {(message: Object) => void} handler */
        listen(handler) {
            channel.onmessage = ({ data }) => data?.type && handler(data);
        },
    };
}
