from odoo import models


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    def session_info(self):
        info = super().session_info()
        if self.env.user._is_internal():
            info["offline_mode"] = self.env["ir.config_parameter"]._get_offline_mode_config()
        return info
