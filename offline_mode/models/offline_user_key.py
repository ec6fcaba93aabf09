"""The key each user's offline data is encrypted with in the browser.

The browser encrypts what it keeps for a user (pending changes, cached answers,
files, the kept web client page) with a key only that user's sessions receive
(/offline_mode/key, controllers/offline_key.py); nothing of it is kept in clear
in the browser. To unlock the data after a browser restart while offline, the
browser keeps the key wrapped (AES-KW) by a key derived from the user's
password (PBKDF2-SHA256): the server derives it at each password sign-in, when
it holds the password, and keeps the wrapped key in the session only.

The keys are readable by the superuser only: no access right lets a user, an
administrator included, read them through the ORM (see ir.model.access.csv).
"""
import base64
import hashlib
import secrets

from cryptography.hazmat.primitives.keywrap import aes_key_wrap

from odoo import api, fields, models

KEY_BYTES = 32
SALT_BYTES = 16
# OWASP's figure for PBKDF2-HMAC-SHA256 (2023): each guess of a stolen wrapped
# key costs as much as this many hashes. The browser derives with the same.
PASSWORD_ITERATIONS = 600_000
# Where a password sign-in leaves the wrapped key, in the HTTP session.
SESSION_UNLOCK_KEY = "offline_mode_unlock"


def _b64(data):
    return base64.b64encode(data).decode()


def wrap_with_password(key, password, salt=None, iterations=PASSWORD_ITERATIONS):
    """The key wrapped by a key derived from the password, with what it takes to unwrap it."""
    salt = salt or secrets.token_bytes(SALT_BYTES)
    wrapping_key = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    return {
        "wrapped_key": _b64(aes_key_wrap(wrapping_key, key)),
        "salt": _b64(salt),
        "iterations": iterations,
    }


class OfflineUserKey(models.Model):
    _name = "offline.user.key"
    _description = "Offline data key"
    _order = "id desc"
    _rec_name = "key_id"

    user_id = fields.Many2one("res.users", required=True, index=True, ondelete="cascade")
    # The id the browser stores next to what it encrypted, to find the key again.
    key_id = fields.Char(string="Key id", required=True, readonly=True, default=lambda self: secrets.token_hex(8))
    key = fields.Char(required=True, readonly=True, default=lambda self: _b64(secrets.token_bytes(KEY_BYTES)))

    _sql_constraints = [("key_id_unique", "UNIQUE(key_id)", "Offline data key ids are unique.")]

    @api.model
    def _current_key(self, user):
        """The key `user`'s offline data is encrypted with from now on, made on first use."""
        keys = self.sudo().search([("user_id", "=", user.id)], limit=1)
        return keys or self.sudo().create({"user_id": user.id})

    @api.model
    def _previous_keys(self, user, current):
        """Keys issued before `current`: changes still waiting in a browser may be encrypted with them."""
        keys = self.sudo().search([("user_id", "=", user.id), ("id", "!=", current.id)])
        return {key.key_id: key.key for key in keys}

    @api.model
    def _issue_new_keys(self, users):
        """New keys for `users` (a browser left unlocked and lost, say): what browsers encrypt
        next uses them. The old keys are kept, so that the changes still waiting in a browser
        are decrypted and synced at their owner's next online start; the data cached under an
        old key is no longer read (it is only a cache)."""
        self.sudo().create([{"user_id": user.id} for user in users])

    def _raw_key(self):
        return base64.b64decode(self.key)
