import threading
import time
from unittest.mock import patch

from freezegun import freeze_time

from odoo import SUPERUSER_ID, api
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, new_test_user, tagged

from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT

from .common_pool import T0, PoolCase

WARNING = "crm_lifecycle.mail_activity_type_crm_release_warning"
# How long a transaction waits for a row lock before giving up: a broken lock order fails the
# test instead of hanging the run.
LOCK_TIMEOUT = "20s"


@tagged("post_install", "-at_install")
class TestPoolConcurrency(TransactionCase):
    """Two salespeople claiming the same customer at once, each in a real transaction of its own.

    The data is committed by a cursor of its own and deleted after each test. The test
    transaction itself writes nothing: rows it would hold (creating users updates the default
    digest, for one) would block the committed set-up and hang the test.
    """

    def committed_race(self):
        """Two salespeople and a pool customer, committed through a cursor of their own so that
        other transactions see them; deleted again (and committed) after the test."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, dict(DISABLED_MAIL_CONTEXT))
            salesman = "sales_team.group_sale_salesman"
            racers = new_test_user(env, login="crm_race_rita", name="Rita Racer", groups=salesman)
            racers |= new_test_user(env, login="crm_race_ben", name="Ben Racer", groups=salesman)
            pool = env["crm.pool"].create(
                {
                    "name": "Race Pool",
                    "is_default": False,
                    "max_owned": 0,
                    "max_claims_per_day": 0,
                    "reclaim_cooldown_days": 0,
                }
            )
            customer = env["res.partner"].create(
                {
                    "name": "Contested Containers",
                    "is_company": True,
                    "lifecycle_stage_id": env["crm.lifecycle.stage"]._get_by_code("pool").id,
                    "crm_pool_id": pool.id,
                }
            )
            race = {"rita": racers[0].id, "ben": racers[1].id, "pool": pool.id, "customer": customer.id}
        # leaving the block committed the data
        self.addCleanup(self.delete_race, race)
        return race

    def delete_race(self, race):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, dict(DISABLED_MAIL_CONTEXT))
            env["res.partner"].browse(race["customer"]).unlink()  # its events go with it
            env["crm.pool"].browse(race["pool"]).unlink()
            users = env["res.users"].browse([race["rita"], race["ben"]])
            partners = users.partner_id
            users.unlink()
            partners.unlink()

    def transaction_as(self, uid):
        """A new transaction (a real cursor) for the user ``uid``, closed after the test."""
        cr = self.registry.cursor()
        self.addCleanup(cr.close)
        cr.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
        return cr, api.Environment(cr, uid, dict(DISABLED_MAIL_CONTEXT))

    def committed_outcome(self, race):
        """Owner of the customer and number of its claim events, as committed."""
        with self.registry.cursor() as cr:
            cr.execute("SELECT user_id FROM res_partner WHERE id = %s", [race["customer"]])
            owner = cr.fetchone()[0]
            cr.execute(
                "SELECT COUNT(*) FROM crm_partner_event WHERE partner_id = %s AND event_type = 'claim'",
                [race["customer"]],
            )
            return owner, cr.fetchone()[0]

    def wait_until_blocked(self, backend_pid):
        """Wait until the database session ``backend_pid`` waits for a lock."""
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            # a new transaction each time: pg_stat_activity is a snapshot per transaction
            with self.registry.cursor() as cr:
                cr.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [backend_pid])
                row = cr.fetchone()
            if row and row[0] == "Lock":
                return
            time.sleep(0.05)
        self.fail("The second claim never waited for the first one's lock")

    def test_concurrent_claims_exactly_one_wins(self):
        race = self.committed_race()
        cr_rita, env_rita = self.transaction_as(race["rita"])
        cr_ben, env_ben = self.transaction_as(race["ben"])
        # both transactions begin and see the customer in the pool (their snapshots are taken)
        for env in (env_rita, env_ben):
            customer = env["res.partner"].browse(race["customer"])
            self.assertEqual(customer.crm_pool_state, "pool")
            self.assertTrue(customer.crm_can_claim)
        env_rita["res.partner"].browse(race["customer"]).action_crm_claim()
        cr_rita.commit()
        # Ben's snapshot still shows the customer in the pool: the claim must not trust it
        customer_ben = env_ben["res.partner"].browse(race["customer"])
        self.assertEqual(customer_ben.crm_pool_state, "pool")
        with self.assertRaises(UserError) as caught:
            customer_ben.action_crm_claim()
        self.assertEqual(str(caught.exception), "Contested Containers was just taken by Rita Racer.")
        cr_ben.rollback()
        self.assertEqual(self.committed_outcome(race), (race["rita"], 1))

    def test_claim_waiting_for_an_uncommitted_claim_is_refused(self):
        race = self.committed_race()
        cr_rita, env_rita = self.transaction_as(race["rita"])
        cr_ben, env_ben = self.transaction_as(race["ben"])
        customer_ben = env_ben["res.partner"].browse(race["customer"])
        self.assertEqual(customer_ben.crm_pool_state, "pool")
        cr_ben.execute("SELECT pg_backend_pid()")
        ben_pid = cr_ben.fetchone()[0]
        # Rita claims and holds the row, not committed yet
        env_rita["res.partner"].browse(race["customer"]).action_crm_claim()
        outcome = {}

        def ben_claims():
            try:
                customer_ben.action_crm_claim()
                outcome["claimed"] = True
            except Exception as error:  # noqa: BLE001 - reported to the test thread
                outcome["error"] = error

        ben = threading.Thread(target=ben_claims, name="ben_claims")
        ben.start()
        try:
            self.wait_until_blocked(ben_pid)
            self.assertFalse(outcome, "Ben's claim went through while Rita's was not committed")
        finally:
            cr_rita.commit()
            ben.join(30)
        self.assertFalse(ben.is_alive())
        self.assertIsInstance(outcome.get("error"), UserError, outcome)
        self.assertEqual(str(outcome["error"]), "Contested Containers was just taken by Rita Racer.")
        cr_ben.rollback()
        self.assertEqual(self.committed_outcome(race), (race["rita"], 1))


@tagged("post_install", "-at_install")
class TestPoolCronCrash(PoolCase):
    """The release cron crashing in the middle of a run, then run again."""

    def run_cron_crashing_in_second_batch(self, method_name, customers):
        """Run the release cron in batches of 3, ``method_name`` raising in the second batch that
        holds some of ``customers``. Return the ids of ``customers`` in the batches done before.

        In production each batch is committed, and the crash rolls back the batch under way only.
        In a test nothing is committed: the crash is caught without rolling back, so the test
        transaction keeps what the commits would have kept.
        """
        Partner = self.env["res.partner"]
        Pool = self.env["crm.pool"]
        original = getattr(type(Pool), method_name)
        batches = []

        def crash_in_second_batch(model, ids, now, texts):
            if set(ids) & set(customers.ids):
                batches.append(set(ids) & set(customers.ids))
                if len(batches) == 2:
                    raise RuntimeError("simulated crash")
            return original(model, ids, now, texts)

        with patch.object(type(Pool), method_name, autospec=True, side_effect=crash_in_second_batch):
            try:
                Partner._cron_crm_release_expired(batch_size=3)
            except RuntimeError as error:
                self.assertEqual(str(error), "simulated crash")
            else:
                self.fail("the cron did not reach the crash")
        self.env.invalidate_all()
        self.assertEqual(len(batches), 2)
        done, failed = customers.browse(sorted(batches[0])), customers.browse(sorted(batches[1]))
        self.assertTrue(done and failed)
        return done, failed

    def test_release_cron_crash_then_rerun_releases_each_once(self):
        with freeze_time(T0):
            customers = self.make_customers("Expiring", 7, user=self.salesperson)
        with freeze_time("2025-03-20 09:00:00"):
            done, failed = self.run_cron_crashing_in_second_batch("_release_expired_batch", customers)
        for customer in done:
            self.assertEqual(customer.crm_pool_state, "pool")
            self.assertEqual(len(self.events(customer, "release")), 1)
        for customer in customers - done:
            self.assertEqual(customer.crm_pool_state, "owned")
            self.assertEqual(customer.user_id, self.salesperson)
            self.assertFalse(self.events(customer, "release"))
        self.assertTrue(failed <= customers - done)
        # the next run finishes the job; the first batch is not released again
        with freeze_time("2025-03-20 10:00:00"):
            self.env["res.partner"]._cron_crm_release_expired(batch_size=3)
        self.assertEqual(set(customers.mapped("crm_pool_state")), {"pool"})
        events = self.events(customers, "release")
        self.assertEqual(len(events), 7)
        self.assertEqual(events.partner_id, customers)
        self.assertEqual(set(events.mapped("trigger")), {"timeout"})
        for customer in customers:
            released_at = "2025-03-20 09:00:00" if customer in done else "2025-03-20 10:00:00"
            self.assertEqual(str(customer.crm_released_date), released_at)
            self.assertEqual(customer.previous_owner_id, self.salesperson)

    def test_warning_cron_crash_then_rerun_warns_each_once(self):
        with freeze_time(T0):
            customers = self.make_customers("Nearly Expiring", 7, user=self.salesperson)
        with freeze_time("2025-03-11 12:00:00"):
            done, failed = self.run_cron_crashing_in_second_batch("_warn_batch", customers)
        for customer in done:
            self.assertEqual(len(self.activities(customer, WARNING)), 1)
            self.assertEqual(len(self.events(customer, "warning")), 1)
            self.assertTrue(customer.crm_warned_date)
        for customer in customers - done:
            self.assertFalse(self.activities(customer, WARNING))
            self.assertFalse(self.events(customer, "warning"))
            self.assertFalse(customer.crm_warned_date)
        self.assertTrue(failed <= customers - done)
        with freeze_time("2025-03-11 13:00:00"):
            self.env["res.partner"]._cron_crm_release_expired(batch_size=3)
        warnings = self.activities(customers, WARNING)
        self.assertEqual(len(warnings), 7)
        self.assertEqual(set(warnings.mapped("res_id")), set(customers.ids))
        self.assertEqual(len(self.events(customers, "warning")), 7)
        self.assertEqual(set(customers.mapped("crm_pool_state")), {"owned"})
