from odoo import api, fields, models

from .ir_config_parameter import CONFLICT_POLICY_SELECTION


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    # Not config_parameter fields: Odoo deletes a parameter set to False or 0,
    # which would bring "enabled" back to its default of True.
    offline_mode_enabled = fields.Boolean(
        string="Offline mode",
        help="Let users keep working in the web client when the connection drops.",
    )
    offline_mode_storage_cap_mb = fields.Integer(
        string="Offline storage cap (MB)",
        help="Browser storage the offline cache may use per user. Past it, the least "
        "recently used data is evicted first; unsynced changes are never evicted.",
    )
    offline_mode_cache_expiry_days = fields.Integer(
        string="Cached data expiry (days)",
        help="Cached data older than this is not shown offline. 0 keeps it until evicted.",
    )
    offline_mode_conflict_policy = fields.Selection(
        selection=CONFLICT_POLICY_SELECTION,
        string="Conflict handling",
        help="What happens when a change made offline meets a newer change made by someone "
        "else to the same field: ask the user, or apply the offline change anyway.",
    )

    offline_mode_require_unlock = fields.Boolean(
        string="Unlock offline data after a browser restart",
        help="After the browser was closed, offline data opens only with the password of the "
        "user who was signed in (or their offline PIN). Otherwise it opens by itself, and only "
        "the next user signing in on that browser makes it unreadable.",
    )

    _offline_fields = {
        "offline_mode_enabled": "enabled",
        "offline_mode_storage_cap_mb": "storage_cap_mb",
        "offline_mode_cache_expiry_days": "cache_expiry_days",
        "offline_mode_conflict_policy": "conflict_policy",
        "offline_mode_require_unlock": "require_unlock",
    }

    @api.model
    def get_values(self):
        values = super().get_values()
        config = self.env["ir.config_parameter"]._get_offline_mode_config()
        values.update({field: config[name] for field, name in self._offline_fields.items()})
        return values

    def set_values(self):
        super().set_values()
        parameters = self.env["ir.config_parameter"]
        for field, name in self._offline_fields.items():
            parameters._set_offline_mode_value(name, self[field])
