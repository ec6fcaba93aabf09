import threading

from psycopg2.errors import SerializationFailure

from odoo import api
from odoo.service.model import retrying
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.offline_mode.sync import SyncEngine

from .sync_common import SyncCase, make_change


@tagged("post_install", "-at_install")
class TestSyncExactlyOnce(SyncCase):

    def test_lost_response_resend_is_replayed_and_applied_once(self):
        create = make_change("create", values={"name": "Lost Response Ltd"})
        first = self.sync_one(create)
        again = self.sync_one(create)
        self.assertApplied(first)
        self.assertFalse(first["replayed"])
        self.assertEqual(again, dict(first, replayed=True))
        self.assertEqual(self.env["res.partner"].search_count([("name", "=", "Lost Response Ltd")]), 1)

    def test_replayed_write_is_not_written_again(self):
        write = make_change("write", self.partner.id, {"function": "Purchaser"})
        self.assertApplied(self.sync_one(write))
        self.partner.with_user(self.colleague).function = "Head of purchasing"
        self.assertTrue(self.sync_one(write)["replayed"])
        self.assertEqual(self.partner.function, "Head of purchasing")

    def test_replay_counts_each_time_a_uuid_comes_again(self):
        write = make_change("write", self.partner.id, {"function": "Purchaser"})
        self.sync(write, write)
        self.sync(write)
        self.assertEqual(self.ledger_entry(write["uuid"]).replay_count, 2)

    def test_second_occurrence_in_one_batch_replays_the_first(self):
        create = make_change("create", values={"name": "Twice Ltd"})
        first, second = self.sync(create, create)
        self.assertEqual(second, dict(first, replayed=True))
        self.assertEqual(self.env["res.partner"].search_count([("name", "=", "Twice Ltd")]), 1)

    def test_second_occurrence_of_a_rejected_change_in_one_batch_replays_it(self):
        bad = make_change("write", self.partner.id, {"no_such_field": 1})
        first, second = self.sync(bad, bad)
        self.assertEqual(second, dict(first, replayed=True))

    def test_rejected_change_sent_again_is_evaluated_again(self):
        change = make_change("write", self.partner.id, {"function": "Purchaser", "no_such_field": 1})
        self.assertRejected(self.sync_one(change), "bad_request")
        del change["values"]["no_such_field"]
        result = self.sync_one(change)
        self.assertApplied(result)
        self.assertFalse(result["replayed"])
        self.assertEqual(self.partner.function, "Purchaser")
        entry = self.ledger_entry(change["uuid"])
        self.assertEqual((entry.status, entry.error_code, entry.replay_count), ("applied", False, 1))

    def test_conflicting_change_sent_again_with_force_is_applied(self):
        self.partner.with_user(self.colleague).function = "Chief buyer"
        change = make_change("write", self.partner.id, {"function": "Purchaser"}, original={"function": "Buyer"})
        self.assertEqual(self.sync_one(change)["status"], "conflict")
        self.assertApplied(self.sync_one(dict(change, force=True)))
        self.assertEqual(self.partner.function, "Purchaser")
        entry = self.ledger_entry(change["uuid"])
        self.assertEqual((entry.status, entry.conflicts, entry.force), ("applied", False, True))

    def test_applied_change_sent_again_with_other_values_is_still_a_replay(self):
        change = make_change("write", self.partner.id, {"function": "Purchaser"})
        self.sync_one(change)
        self.assertTrue(self.sync_one(dict(change, values={"function": "Other"}))["replayed"])
        self.assertEqual(self.partner.function, "Purchaser")

    def test_same_uuid_from_another_user_is_that_users_own_change(self):
        create = make_change("create", values={"name": "Mine"}, uuid="shared-uuid")
        mine = self.sync_one(create)
        theirs = self.sync_one(dict(create, values={"name": "Theirs"}), user=self.colleague)
        self.assertApplied(theirs)
        self.assertFalse(theirs["replayed"])
        self.assertNotEqual(theirs["res_id"], mine["res_id"])
        self.assertEqual(self.env["res.partner"].browse(theirs["res_id"]).name, "Theirs")
        self.assertEqual(len(self.env["offline.change"].search([("uuid", "=", "shared-uuid")])), 2)

    def test_other_users_rejected_uuid_reveals_nothing(self):
        bad = make_change("write", self.partner.id, {"no_such_field": 1}, uuid="their-secret")
        self.sync_one(bad, user=self.colleague)
        result = self.sync_one(make_change("write", self.partner.id, {"function": "Mine"}, uuid="their-secret"))
        self.assertApplied(result)
        self.assertFalse(result["replayed"])


@tagged("post_install", "-at_install")
class TestSyncConcurrentRequests(SyncCase):
    """Two requests with the same uuid in separate, committed transactions."""

    def setUp(self):
        super().setUp()
        self.name = f"concurrent-{self._testMethodName[-20:]}"
        self.admin_id = self.env.ref("base.user_admin").id
        self.addCleanup(self._remove_committed_data)

    def _remove_committed_data(self):
        with self.registry.cursor() as cr:
            cr.execute("DELETE FROM offline_change WHERE uuid = %s", [self.name])
            cr.execute("DELETE FROM res_partner WHERE name = %s", [self.name])

    def _sync_in(self, cr, uuid, values=None):
        env = api.Environment(cr, self.admin_id, {})
        return SyncEngine(env).sync(
            "browser-1", [make_change("create", values=values or {"name": self.name}, uuid=uuid)])

    @mute_logger("odoo.sql_db", "odoo.service.model")
    def test_request_overtaken_by_a_concurrent_one_is_run_again_as_a_replay(self):
        with self.registry.cursor() as first_cr, self.registry.cursor() as second_cr:
            second_cr.execute("SELECT 1")  # the second request's transaction has started
            first = self._sync_in(first_cr, self.name)
            first_cr.commit()
            second = retrying(lambda: self._sync_in(second_cr, self.name), api.Environment(second_cr, 1, {}))
        self.assertApplied(first[0])
        self.assertEqual(second[0], dict(first[0], replayed=True))
        with self.registry.cursor() as cr:
            cr.execute("SELECT count(*) FROM res_partner WHERE name = %s", [self.name])
            self.assertEqual(cr.fetchone()[0], 1)

    def _run_while_a_concurrent_request_waits(self):
        """Runs the sync of ``self.name`` in two transactions: the second, in a
        thread, waits for the first; once the first commits, the second must
        fail and, run again as Odoo's retrying() does, answer a replay.
        Returns both answers."""
        outcome = {}
        with self.registry.cursor() as first_cr, self.registry.cursor() as second_cr:
            # made here: a cursor's first environment takes the registry lock,
            # which the test runner holds, so the thread must not make it
            api.Environment(second_cr, 1, {})
            second_cr.execute("SELECT 1")  # the second request's transaction has started

            def second_request():
                try:
                    outcome["result"] = self._sync_in(second_cr, self.name)
                except SerializationFailure as error:
                    outcome["error"] = error

            first = self._sync_in(first_cr, self.name)
            thread = threading.Thread(target=second_request)
            thread.start()
            thread.join(1)
            self.assertTrue(thread.is_alive(), "the second request waits for the first one's ledger row")
            first_cr.commit()
            thread.join(30)
            self.assertFalse(thread.is_alive())
            self.assertIn("error", outcome, "once the first commits, the second fails and applies nothing")
            # what Odoo's retrying() does with a serialisation failure: roll back, run again
            second_cr.rollback()
            second = self._sync_in(second_cr, self.name)
        self.assertEqual(second[0], dict(first[0], replayed=True))
        with self.registry.cursor() as cr:
            cr.execute("SELECT count(*) FROM res_partner WHERE name = %s", [self.name])
            self.assertEqual(cr.fetchone()[0], 1)
        return first, second

    @mute_logger("odoo.sql_db")
    def test_request_waiting_on_a_concurrent_one_fails_then_reruns_as_a_replay(self):
        self._run_while_a_concurrent_request_waits()

    @mute_logger("odoo.sql_db")
    def test_concurrent_resends_of_a_rejected_change_apply_it_once(self):
        with self.registry.cursor() as cr:
            rejected = self._sync_in(cr, self.name, {"name": self.name, "shoe_size": 44})
        self.assertEqual(rejected[0]["error"]["code"], "bad_request")
        first, _second = self._run_while_a_concurrent_request_waits()
        self.assertApplied(first[0])
