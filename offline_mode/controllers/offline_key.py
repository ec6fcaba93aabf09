from odoo import http
from odoo.http import request

from ..models.offline_user_key import PASSWORD_ITERATIONS, SESSION_UNLOCK_KEY


class OfflineKeyController(http.Controller):

    @http.route("/offline_mode/key", type="json", auth="user", methods=["POST"])
    def key(self):
        """The key the web client encrypts this user's offline data with; see docs/read-cache.md.

        Its own route, never part of the page: the web client's page is kept by the
        service worker for offline starts, and must not carry the key. Never stored by
        the read cache (it keeps model reads only) nor by any HTTP cache (no-store).

        `unlock` says how the data is unlocked after a browser restart: "password"
        (with `wrapped_key`, `salt` and `iterations` when this session began with the
        password), "pin" (the user has no password: the browser asks for an offline
        PIN) or "none" (the administrator does not require it).
        """
        request.future_response.headers.set("Cache-Control", "no-store")
        user = request.env.user
        config = request.env["ir.config_parameter"]._get_offline_mode_config()
        if not (config["enabled"] and user._is_internal()):
            return {}
        keys = request.env["offline.user.key"]
        key = keys._current_key(user)
        answer = {
            "key_id": key.key_id,
            "key": key.key,
            "previous_keys": keys._previous_keys(user, key),
            "iterations": PASSWORD_ITERATIONS,
        }
        if not config["require_unlock"]:
            answer["unlock"] = "none"
        elif not user._offline_mode_has_password():
            answer["unlock"] = "pin"
        else:
            answer["unlock"] = "password"
            signed_in = request.session.get(SESSION_UNLOCK_KEY)
            if signed_in and signed_in["key_id"] == key.key_id:
                answer.update(signed_in)
        return answer

    @http.route("/offline_mode/unlock", type="http", auth="public", methods=["GET"], readonly=True)
    def unlock_page(self, lang=None):
        """The page that unlocks offline data after a browser restart: generic, no user
        data in it (the service worker keeps it with the web client's shell and serves it
        offline when the data is locked)."""
        installed = dict(request.env["res.lang"].get_installed())
        env = request.env(context=dict(request.env.context, lang=lang if lang in installed else None))
        html = env["ir.ui.view"]._render_template("offline_mode.unlock_page", {})
        return request.make_response(html, headers=[("Content-Type", "text/html; charset=utf-8")])
