from odoo import api, models
from odoo.http import request

from .offline_user_key import SESSION_UNLOCK_KEY, wrap_with_password


class ResUsers(models.Model):
    _inherit = "res.users"

    @classmethod
    def authenticate(cls, db, credential, user_agent_env):
        """At a sign-in with a password, the only moment the server holds it, leaves
        in the session the user's offline key wrapped by a key derived from it: the
        browser keeps that to unlock the offline data after a restart (see
        offline_user_key.py). Not on the XML-RPC calls that check a password each time."""
        auth_info = super().authenticate(db, credential, user_agent_env)
        signs_in = request and request.db == db and request.session and user_agent_env
        if signs_in and credential.get("type") == "password" and auth_info.get("auth_method") == "password":
            with cls.pool.cursor() as cr:
                user = api.Environment(cr, auth_info["uid"], {}).user
                unlock = user._offline_mode_unlock(credential["password"])
            if unlock:
                request.session[SESSION_UNLOCK_KEY] = unlock
        return auth_info

    def _offline_mode_unlock(self, password):
        """What unlocks this user's offline data with `password`, or None when not needed."""
        self.ensure_one()
        config = self.env["ir.config_parameter"]._get_offline_mode_config()
        if not (config["enabled"] and config["require_unlock"] and self._is_internal()):
            return None
        key = self.env["offline.user.key"]._current_key(self)
        return {"key_id": key.key_id, **wrap_with_password(key._raw_key(), password)}

    def _offline_mode_has_password(self):
        self.ensure_one()
        self.env.cr.execute("SELECT COALESCE(password, '') != '' FROM res_users WHERE id = %s", [self.id])
        return self.env.cr.fetchone()[0]
