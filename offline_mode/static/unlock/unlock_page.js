/* global offlineModeCrypto -- defined by static/lib/offline_crypto.js, loaded before this file */
/**
 * The unlock page (views/offline_unlock_templates.xml), served offline by the
 * service worker while the key of the user signed in on this browser is locked
 * (after a browser restart). Unlocks it with the password or offline PIN (see
 * static/lib/offline_crypto.js), then reloads: the worker then serves the web
 * client's kept page. A plain script: no web client here.
 */
(() => {
    const USER_CACHE = "offline_mode_user";
    const USER_KEY = "/offline_mode/user";

    function show(...names) {
        for (const element of document.querySelectorAll("[data-show]")) {
            const shown = element.dataset.show.split(" ").some((name) => names.includes(name));
            element.classList.toggle("d-none", !shown);
        }
    }

    async function start() {
        const stored = await caches.match(USER_KEY, { cacheName: USER_CACHE });
        const user = stored && (await stored.text());
        const entry = user && (await offlineModeCrypto.readEntry(user, "unlock"));
        const method = entry?.method || "password";
        const form = document.querySelector(".o_offline_mode_unlock form");
        form.querySelector(".o_offline_mode_retry").addEventListener("click", () =>
            location.reload()
        );
        if (!entry?.wrapped) {
            show("locked");
            return;
        }
        show(method, "idle");
        form.addEventListener("submit", async (event) => {
            event.preventDefault();
            const input = form.querySelector("input[name=secret]");
            show(method, "busy");
            const result = await offlineModeCrypto.unlock(user, input.value);
            if (result.status === "unlocked") {
                location.reload();
            } else if (result.status === "wrong") {
                document.querySelector(".o_offline_mode_tries_left").textContent = String(
                    result.triesLeft
                );
                show(method, "idle", "wrong");
                input.value = "";
                input.focus();
            } else {
                show("locked");
            }
        });
    }

    document.addEventListener("DOMContentLoaded", () =>
        start().catch((error) => {
            console.error("offline_mode: cannot unlock", error);
            show("locked");
        })
    );
})();
