import { rpc } from "@web/core/network/rpc";
import { registry } from "@web/core/registry";
import { user } from "@web/core/user";
import { session } from "@web/session";
import { Keyring, offlineCrypto } from "./offline_crypto";
import { OfflinePinDialog } from "./offline_pin_dialog";

/**
 * The key this user's offline data is encrypted with (see
 * static/lib/offline_crypto.js and docs/read-cache.md, "Encryption at rest").
 *
 * Started online: asked from the server (/offline_mode/key, never part of the
 * page), then kept sealed for this browser session, and kept for an unlock
 * after a browser restart (wrapped by the password, or by the offline PIN,
 * asked once, for users who sign in without a password), or kept on the
 * device when the administrator does not require the unlock. Started offline:
 * the one kept for this browser session (unlocked by the unlock page after a
 * restart, see the service worker).
 *
 * `ready` resolves to the keyring (what the read cache, the outbox and files
 * are sealed with), or null when no key can be had (locked): nothing is read
 * nor written then, nothing is deleted either.
 */
export const offlineKeyService = {
    dependencies: ["offline_config", "dialog"],
    start(env, { offline_config: config, dialog }) {
        if (!config.enabled) {
            return { ready: Promise.resolve(null) };
        }
        const owner = `${session.db}:${user.userId}`;
        // Listened to from the start: the key may come after the first action is shown.
        const firstActionShown = new Promise((resolve) =>
            env.bus.addEventListener("ACTION_MANAGER:UI-UPDATED", resolve, { once: true })
        );

        async function askForPin(key, iterations) {
            // Not before: showing an action closes the dialogs open then.
            await firstActionShown;
            dialog.add(OfflinePinDialog, {
                save: async (pin) => {
                    const wrapped = await offlineCrypto.wrapWithSecret(key, pin, iterations);
                    await offlineCrypto.writeEntry(owner, "unlock", {
                        method: "pin",
                        ...wrapped,
                        failures: 0,
                    });
                },
            });
        }

        /** Stores what unlocks the key later, as the server says (see controllers/offline_key.py). */
        async function keepForLater(answer, key) {
            if (answer.unlock === "none") {
                await Promise.all([
                    offlineCrypto.writeEntry(owner, "device", {
                        keyId: key.keyId,
                        key: answer.key,
                    }),
                    offlineCrypto.deleteEntry(owner, "unlock"),
                ]);
                return;
            }
            await offlineCrypto.deleteEntry(owner, "device");
            const kept = await offlineCrypto.readEntry(owner, "unlock");
            if (answer.wrapped_key) {
                await offlineCrypto.writeEntry(owner, "unlock", {
                    method: "password",
                    keyId: key.keyId,
                    wrapped: answer.wrapped_key,
                    salt: answer.salt,
                    iterations: answer.iterations,
                    failures: 0,
                });
            } else if (kept && (kept.keyId !== key.keyId || kept.method !== answer.unlock)) {
                // Wraps a key the server replaced: it would unlock nothing of what comes next.
                await offlineCrypto.deleteEntry(owner, "unlock");
            }
            if (
                answer.unlock === "pin" &&
                !(kept?.method === "pin" && kept.keyId === key.keyId && kept.wrapped)
            ) {
                askForPin(key, answer.iterations);
            }
        }

        async function fetchKeyring() {
            const answer = await rpc("/offline_mode/key", {}, { silent: true });
            if (!answer?.key) {
                return null;
            }
            const key = { keyId: answer.key_id, raw: offlineCrypto.fromBase64(answer.key) };
            await offlineCrypto.keepForBrowserSession(owner, key);
            await keepForLater(answer, key);
            const previous = Object.entries(answer.previous_keys || {}).map(([keyId, raw]) => ({
                keyId,
                raw: offlineCrypto.fromBase64(raw),
            }));
            return Keyring.of([key, ...previous]);
        }

        async function storedKeyring() {
            const key = await offlineCrypto.storedKey(owner);
            return key && Keyring.of([key]);
        }

        const ready = (async () => {
            if (!session.offline_mode_started_offline) {
                try {
                    return await fetchKeyring();
                } catch (error) {
                    console.warn("offline_mode: the offline key could not be fetched", error);
                }
            }
            return storedKeyring();
        })().catch((error) => {
            console.error("offline_mode: no offline key", error);
            return null;
        });

        return {
            /** @type {Promise<Keyring|null>} */
            ready,
        };
    },
};

registry.category("services").add("offline_key", offlineKeyService);
// Deleted at logout (see webclient/user_menu/user_menu_items_patch.js); the
// worker deletes those of other users when another one signs in.
registry.category("offline_mode_user_data").add("keys", {
    deleteData: () =>
        Promise.all(
            ["session", "unlock", "device"].map((kind) =>
                offlineCrypto.deleteEntry(`${session.db}:${user.userId}`, kind)
            )
        ),
});
