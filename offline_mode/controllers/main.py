from odoo import http
from odoo.http import request
from odoo.tools import file_open

from odoo.addons.web.controllers import webmanifest


class OfflineModeController(http.Controller):

    @http.route("/offline_mode/ping", type="http", auth="none", methods=["GET"], save_session=False)
    def ping(self):
        """The cheapest answer the server can give: the web client probes it to learn
        whether the server is reachable again after a lost connection."""
        return request.make_response("", status=204, headers=[("Cache-Control", "no-store")])


class OfflineModeWebManifest(webmanifest.WebManifest):

    def _get_service_worker_content(self):
        # The encryption at rest first (all use it), the logged-in user, then the
        # web client's shell: its fetch listener must answer navigations before
        # Odoo's does. The offline copies of files come after.
        with file_open("offline_mode/static/lib/offline_crypto.js") as offline_crypto, \
                file_open("offline_mode/static/service_worker/offline_user.js") as offline_user, \
                file_open("offline_mode/static/service_worker/offline_shell.js") as offline_shell, \
                file_open("offline_mode/static/service_worker/offline_files.js") as offline_files:
            return "\n".join((
                offline_crypto.read(), offline_user.read(), offline_shell.read(),
                super()._get_service_worker_content(), offline_files.read(),
            ))
