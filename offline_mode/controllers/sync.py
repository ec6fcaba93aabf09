import logging

import werkzeug.exceptions

from odoo import fields, http
from odoo.http import request
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY

from ..sync import BatchRefused, SyncEngine
from ..sync.errors import translate

_logger = logging.getLogger(__name__)

# What the web client needs of the offline mode settings.
CLIENT_CONFIG_KEYS = ("enabled", "storage_cap_mb", "cache_expiry_days", "conflict_policy", "max_batch")


class OfflineSyncController(http.Controller):

    @http.route("/offline_mode/sync", type="json", auth="user", methods=["POST"])
    def sync(self, client_id=None, changes=None):
        """Applies the changes a browser queued offline; see docs/sync-api.md."""
        try:
            results = SyncEngine(request.env).sync(
                client_id, changes, request_bytes=len(request.httprequest.get_data()))
        except BatchRefused as refusal:
            message = translate(request.env, refusal.message)
            _logger.info("offline sync request of user %s refused: %s", request.env.uid, message)
            _abort_with_json_rpc_error(400, message, "offline_mode.batch_refused")
        except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
            raise  # Odoo runs the request again
        except Exception:
            _logger.exception("offline sync request of user %s failed", request.env.uid)
            _abort_with_json_rpc_error(200, request.env._(
                "The server could not process the synchronisation; nothing was applied and "
                "your changes are kept. Your administrator will find the details in the server log."),
                "offline_mode.sync_failed")
        return {"results": results, "server_time": fields.Datetime.to_string(fields.Datetime.now())}

    @http.route("/offline_mode/config", type="json", auth="user", methods=["POST"], readonly=True)
    def config(self):
        """The offline mode settings the web client follows."""
        config = request.env["ir.config_parameter"]._get_offline_mode_config()
        return {key: config[key] for key in CLIENT_CONFIG_KEYS}


def _abort_with_json_rpc_error(status, message, name):
    """Ends the request with a JSON-RPC error object and no traceback; the
    transaction is rolled back, so nothing of the request is applied."""
    body = {
        "jsonrpc": "2.0",
        "id": getattr(request.dispatcher, "request_id", None),
        "error": {
            "code": status,
            "message": message,
            "data": {"name": name, "message": message, "arguments": [message], "context": {}, "debug": ""},
        },
    }
    werkzeug.exceptions.abort(request.make_json_response(body, status=status))
