from odoo.tests import tagged
from odoo.tools import mute_logger

from .sync_common import SyncCase, make_change

ENGINE_LOGGER = "odoo.addons.offline_mode.sync.engine"


@tagged("post_install", "-at_install")
class TestSyncIsolatesEachChange(SyncCase):
    """Whatever goes wrong with one change is that change's result; the others are applied."""

    def raise_in_database_when(self, table, condition):
        """A trigger that makes PostgreSQL refuse rows of ``table`` matching ``condition``
        (on NEW); gone with the test's transaction."""
        self.env.cr.execute(f"""
            CREATE FUNCTION offline_mode_test_poison() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION 'poisoned row'; END $$ LANGUAGE plpgsql;
            CREATE TRIGGER offline_mode_test_poison BEFORE INSERT OR UPDATE ON {table}
                FOR EACH ROW WHEN ({condition}) EXECUTE FUNCTION offline_mode_test_poison();
        """)

    def assertOthersApplied(self, results, bad_index):
        for index, result in enumerate(results):
            if index != bad_index:
                self.assertApplied(result)

    @mute_logger(ENGINE_LOGGER, "odoo.sql_db")
    def test_database_error_while_applying_one_change(self):
        self.raise_in_database_when("res_partner", "NEW.function = 'Poison'")
        changes = [
            make_change("create", values={"name": "Before poison"}),
            make_change("write", self.partner.id, {"function": "Poison"}),
            make_change("write", self.partner.id, {"phone": "+32 2 290 34 90"}),
        ]
        results = self.sync(*changes)
        self.assertRejected(results[1], "validation", "unexpected error")
        self.assertOthersApplied(results, 1)
        self.assertEqual((self.partner.function, self.partner.phone), ("Buyer", "+32 2 290 34 90"))
        self.assertTrue(self.env["res.partner"].search([("name", "=", "Before poison")]))
        self.assertEqual(self.ledger_entry(changes[1]["uuid"]).status, "rejected")

    @mute_logger(ENGINE_LOGGER, "odoo.sql_db")
    def test_ledger_refusing_the_row_of_one_change(self):
        self.raise_in_database_when("offline_change", "NEW.uuid = 'unrecordable'")
        changes = [
            make_change("write", self.partner.id, {"phone": "+32 2 290 34 90"}),
            make_change("write", self.partner.id, {"function": "Never applied"}, uuid="unrecordable"),
            make_change("create", values={"name": "After poison"}),
        ]
        results = self.sync(*changes)
        self.assertRejected(results[1], "validation", "could not record")
        self.assertEqual(results[1]["uuid"], "unrecordable")
        self.assertOthersApplied(results, 1)
        # Unrecorded means unapplied: exactly once needs the ledger row.
        self.assertEqual((self.partner.function, self.partner.phone), ("Buyer", "+32 2 290 34 90"))
        self.assertFalse(self.ledger_entry("unrecordable"))
        self.assertEqual(self.ledger_entry(changes[2]["uuid"]).status, "applied")

    @mute_logger(ENGINE_LOGGER, "odoo.sql_db")
    def test_isolated_run_keeps_replays_and_virtual_ids(self):
        self.raise_in_database_when("res_partner", "NEW.function = 'Poison'")
        create = make_change("create", values={"name": "Made offline"})
        follow_up = make_change("write", f"virtual:{create['uuid']}", {"function": "Owner"})
        poison = make_change("write", self.partner.id, {"function": "Poison"})
        results = self.sync(create, poison, follow_up, create)
        self.assertApplied(results[0])
        self.assertRejected(results[1], "validation")
        self.assertApplied(results[2])
        self.assertTrue(results[3]["replayed"])
        self.assertEqual(results[3]["res_id"], results[0]["res_id"])
        made = self.env["res.partner"].browse(results[0]["res_id"])
        self.assertEqual(made.function, "Owner")
        self.assertEqual(self.ledger_entry(create["uuid"]).replay_count, 1)
        self.assertEqual(self.env["res.partner"].search_count([("name", "=", "Made offline")]), 1)

    def test_every_kind_of_bad_change_in_one_batch(self):
        good = [make_change("write", self.partner.id, {"function": f"Step {n}"}) for n in range(3)]
        bad = [
            make_change("unlink", 2**31),
            make_change("write", 9223372036854775808, {"function": "X"}),
            make_change("write", self.partner.id, {"color": 2**40}),
            make_change("write", self.partner.id, {"function": "bad\ud800"}),
            {"uuid": None, "model": "res.partner", "operation": "create", "values": {"name": "No uuid"}},
        ]
        results = self.sync(good[0], *bad[:3], good[1], *bad[3:], good[2])
        statuses = [result["status"] for result in results]
        self.assertEqual(statuses, ["applied"] + ["rejected"] * 3 + ["applied"] + ["rejected"] * 2 + ["applied"])
        self.assertEqual(self.partner.function, "Step 2")
        self.assertEqual([result["uuid"] for result in results[-3:-1]], [bad[3]["uuid"], "null"])
