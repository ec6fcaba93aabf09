from lxml import etree

from odoo.tests import HttpCase, TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestDataCachingFlag(TransactionCase):

    def test_new_window_action_caches_data_by_default(self):
        action = self.env["ir.actions.act_window"].create({"name": "Partners", "res_model": "res.partner"})
        self.assertTrue(action.data_caching)

    def test_existing_actions_cache_data_after_install(self):
        self.assertTrue(self.env.ref("base.action_partner_form").data_caching)

    def test_flag_is_on_the_window_action_form(self):
        arch = self.env["ir.actions.act_window"].get_view(
            self.env.ref("base.view_window_action_form").id, "form")["arch"]
        field = etree.fromstring(arch).xpath("//field[@name='data_caching']")
        self.assertEqual(len(field), 1)

    def test_flag_has_a_label_and_explains_offline_effect(self):
        field = self.env["ir.actions.act_window"]._fields["data_caching"]
        self.assertEqual(field.string, "Data caching")
        self.assertIn("unavailable offline", field.help)


@tagged("post_install", "-at_install")
class TestDataCachingReachesClient(HttpCase):

    def _load_action(self, action):
        self.authenticate("admin", "admin")
        return self.make_jsonrpc_request("/web/action/load", {"action_id": action.id})

    def test_loaded_action_carries_the_flag_on(self):
        action = self.env.ref("base.action_partner_form")
        self.assertIs(self._load_action(action)["data_caching"], True)

    def test_loaded_action_carries_the_flag_off(self):
        action = self.env.ref("base.action_partner_form")
        action.data_caching = False
        self.assertIs(self._load_action(action)["data_caching"], False)
