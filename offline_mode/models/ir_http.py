from odoo import models
from odoo.http import request


def _is_hard_reload():
    """Whether the page being rendered was requested with the browser cache bypassed.

    A hard refresh (Ctrl+F5, Ctrl+Shift+R, Cmd+Shift+R) sends the document request
    with ``Cache-Control: no-cache`` (Chromium, Firefox) or ``Pragma: no-cache``
    (older engines); a plain reload sends ``max-age=0`` at most. Only GET page loads
    count: the JSON-RPC ``get_session_info`` call is a POST and never a hard refresh.
    """
    if not request or request.httprequest.method != "GET":
        return False
    headers = request.httprequest.headers
    cache_control = {part.strip().lower() for part in headers.get("Cache-Control", "").split(",")}
    return "no-cache" in cache_control or headers.get("Pragma", "").strip().lower() == "no-cache"


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    def session_info(self):
        info = super().session_info()
        if self.env.user._is_internal():
            info["offline_mode"] = self.env["ir.config_parameter"]._get_offline_mode_config()
            # Tells the web client to drop the data it cached for reading (never
            # unsynced changes): the user asked the browser to forget its caches.
            info["offline_mode_hard_reload"] = _is_hard_reload()
            # Always false from the server: the service worker turns it true in the
            # copy of the page it serves when the network fails (an offline start,
            # see static/service_worker/offline_shell.js).
            info["offline_mode_started_offline"] = False
        return info
