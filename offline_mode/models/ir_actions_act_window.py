from odoo import fields, models


class IrActionsActWindow(models.Model):
    _inherit = "ir.actions.act_window"

    data_caching = fields.Boolean(
        string="Data caching",
        default=True,
        help="Keep the data this action shows in the browser so that it can be reopened "
        "offline. Switch it off for views whose figures must never be shown stale: the "
        "view is then unavailable offline.",
    )

    def _get_readable_fields(self):
        # The web client decides from the loaded action whether to cache it.
        return super()._get_readable_fields() | {"data_caching"}
