"""Exactly once across the online/offline boundary.

A new record saved online from the web client carries, in its context, the
id the browser made for that creation (``offline_mode_creation``: its uuid
and the browser's client id). The ledger records the creation in the same
transaction. When the answer is lost on the way back, the browser queues the
creation under the same uuid, or the user saves again: either way the record
already made is answered, and nothing is created twice.
"""
from odoo import models
from odoo.exceptions import UserError

from ..sync.change import is_client_made_id

ONLINE_CREATION_KEY = "offline_mode_creation"


class Base(models.AbstractModel):
    _inherit = "base"

    def web_save(self, vals, specification, next_id=None):
        creation = self.env.context.get(ONLINE_CREATION_KEY)
        if self or creation is None:
            return super().web_save(vals, specification, next_id=next_id)
        uuid, client_id = _parse_creation(self.env, creation)
        # records made below must not carry the key in their context
        model = self.with_context({key: value for key, value in self.env.context.items()
                                   if key != ONLINE_CREATION_KEY})
        ledger = self.env["offline.change"].sudo()
        made = ledger._lock_entries(self.env.uid, [uuid])
        if not made:
            result = super(Base, model).web_save(vals, specification)
            ledger._record_online_creation(model._name, uuid, client_id, result[0]["id"])
        else:
            result = ledger._answer_online_creation_again(model, made[0], specification)
        if next_id:
            result = model.browse(next_id).with_context(bin_size=True).web_read(specification)
        return result


def _parse_creation(env, creation):
    uuid = creation.get("uuid") if isinstance(creation, dict) else None
    client_id = creation.get("client_id") if isinstance(creation, dict) else None
    if not is_client_made_id(uuid) or not (client_id is None or is_client_made_id(client_id)):
        raise UserError(env._(
            "The save carries an invalid creation id (%(key)s): expected a uuid and the "
            "browser's client id, texts of 1 to 64 characters.", key=ONLINE_CREATION_KEY))
    return uuid, client_id
