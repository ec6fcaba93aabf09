from itertools import count

from odoo.tests import TransactionCase, new_test_user

from odoo.addons.offline_mode.sync import SyncEngine

_uuids = count(1)


def make_change(operation, res_id=None, values=None, model="res.partner", **extra):
    """A change as the web client sends it, with a fresh uuid unless given."""
    change = {
        "uuid": extra.pop("uuid", None) or f"change-{next(_uuids)}",
        "model": model,
        "operation": operation,
        "res_id": res_id,
        "made_at": "2024-05-02 09:30:00",
    }
    if values is not None:
        change["values"] = values
    change.update(extra)
    return change


def new_partner_manager(env, login):
    """An internal user who may create and edit contacts; their password is their login."""
    return new_test_user(
        env, login=login, password=login, groups="base.group_user,base.group_partner_manager")


class SyncCase(TransactionCase):
    """Users, a partner and helpers to sync changes as a given user."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user = new_partner_manager(cls.env, "offline_sales")
        cls.colleague = new_partner_manager(cls.env, "offline_colleague")
        cls.partner = cls.env["res.partner"].create({"name": "Azure Interior", "function": "Buyer"})

    def set_offline_setting(self, name, value):
        self.env["ir.config_parameter"]._set_offline_mode_value(name, value)

    def sync(self, *changes, user=None, client_id="browser-1"):
        """The results of syncing ``changes`` in one request as ``user``."""
        return SyncEngine(self.env(user=user or self.user)).sync(client_id, list(changes))

    def sync_one(self, change, user=None):
        return self.sync(change, user=user)[0]

    def ledger_entry(self, uuid, user=None):
        return self.env["offline.change"].search([("uuid", "=", uuid), ("user_id", "=", (user or self.user).id)])

    def assertApplied(self, result):
        self.assertEqual(result["status"], "applied", result)

    def assertRejected(self, result, code, message_part=None):
        self.assertEqual(result["status"], "rejected", result)
        self.assertEqual(result["error"]["code"], code, result)
        if message_part:
            self.assertIn(message_part, result["error"]["message"])
