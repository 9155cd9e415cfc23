from datetime import datetime

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.crm_lifecycle.tests.common_pool import T0, PoolCase

ESCALATION = "crm_value.mail_activity_type_crm_value_escalation"


@tagged("post_install", "-at_install")
class TestPoolValueClass(PoolCase):
    """Value classes in the pools: longer limits for A customers, escalation instead of release.

    The test pool releases after 10 days without contact (T0 + 10 days = 13 March 2025)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Partner = cls.env["res.partner"]
        cls.Level = cls.env["crm.pool.level"]

    def owned_at_t0(self, name, abc_class, user=None, pool=None):
        with freeze_time(T0):
            customer = self.make_customer(name, user=user or self.salesperson, pool=pool)
        self.env["crm.value.score"].create(
            {"partner_id": customer.id, "company_id": self.env.company.id, "abc_class": abc_class}
        )
        self.Partner._crm_refresh_schedule(partners=customer)
        return customer

    def run_release_cron(self, at):
        with freeze_time(at):
            self.Partner._cron_crm_release_expired()

    def test_a_class_level_gives_longer_limit(self):
        self.Level.create(
            [
                {
                    "pool_id": self.pool.id,
                    "lifecycle_stage_id": self.stages["pool"].id,
                    "no_contact_days": 12,
                },
                {
                    "pool_id": self.pool.id,
                    "lifecycle_stage_id": self.stages["pool"].id,
                    "crm_value_abc_class": "A",
                    "no_contact_days": 30,
                    "sequence": 99,  # specificity wins over the sequence
                },
            ]
        )
        star = self.owned_at_t0("Star Steelworks", "A")
        plain = self.owned_at_t0("Plain Plastics", "C")
        self.assertEqual(star.ownership_deadline, datetime(2025, 4, 2, 9, 0))
        self.assertEqual(plain.ownership_deadline, datetime(2025, 3, 15, 9, 0))
        self.run_release_cron("2025-03-20 09:00:00")
        self.assertEqual(plain.crm_pool_state, "pool")
        self.assertEqual(plain.crm_release_reason, "No contact for 12 days.")
        self.assertEqual(star.crm_pool_state, "owned")
        self.assertEqual(star.user_id, self.salesperson)
        self.run_release_cron("2025-04-02 09:00:00")
        self.assertEqual(star.crm_pool_state, "pool")
        self.assertEqual(star.crm_release_reason, "No contact for 30 days.")

    def test_class_level_changes_with_the_class(self):
        self.Level.create(
            {
                "pool_id": self.pool.id,
                "lifecycle_stage_id": self.stages["pool"].id,
                "crm_value_abc_class": "A",
                "no_contact_days": 30,
            }
        )
        customer = self.owned_at_t0("Rising Rubber", "B")
        # no level of its stage for class B, none for any class: the pool's 10 days
        self.assertEqual(customer.ownership_deadline, datetime(2025, 3, 13, 9, 0))
        score = self.env["crm.value.score"].search([("partner_id", "=", customer.id)])
        score.abc_class = "A"
        self.Partner._crm_refresh_schedule(partners=customer)
        self.assertEqual(customer.ownership_deadline, datetime(2025, 4, 2, 9, 0))

    def test_one_level_per_pool_stage_and_class(self):
        values = {"pool_id": self.pool.id, "lifecycle_stage_id": self.stages["pool"].id}
        levels = self.Level.create(
            [values, dict(values, crm_value_abc_class="A"), dict(values, crm_value_abc_class="B")]
        )
        self.assertEqual(
            levels[1].display_name, f"{self.pool.display_name} / {self.stages['pool'].display_name} / A"
        )
        for duplicate in (dict(values, crm_value_abc_class="A"), values):
            with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.env.cr.savepoint():
                self.Level.create(duplicate)

    def test_escalation_instead_of_release_once(self):
        self.pool.write({"crm_value_escalate": True, "crm_value_escalate_classes": "A"})
        star = self.owned_at_t0("Star Steelworks", "A")
        plain = self.owned_at_t0("Plain Plastics", "C")
        # two days before the deadline the owner of the C customer is warned, not the A one's
        self.run_release_cron("2025-03-11 09:00:00")
        warning = "crm_lifecycle.mail_activity_type_crm_release_warning"
        self.assertEqual(len(self.activities(plain, warning)), 1)
        self.assertFalse(self.activities(star, warning))
        self.run_release_cron("2025-03-14 09:00:00")
        # the C customer goes back to the pool as before
        self.assertEqual(plain.crm_pool_state, "pool")
        # the A customer stays with its owner; the team leader gets one activity with the reason
        self.assertEqual(star.crm_pool_state, "owned")
        self.assertEqual(star.user_id, self.salesperson)
        self.assertFalse(self.events(star, "release"))
        activity = self.activities(star, ESCALATION)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.team_leader)
        self.assertEqual(activity.summary, "Value class A customer due for release")
        self.assertIn("value class A", activity.note)
        self.assertIn("No contact for 10 days.", activity.note)
        self.assertIn(self.salesperson.name, activity.note)
        self.assertEqual(star.crm_value_escalated_date, datetime(2025, 3, 14, 9, 0))
        # the next nights: still held, no second activity
        self.run_release_cron("2025-03-15 09:00:00")
        self.run_release_cron("2025-03-16 09:00:00")
        self.assertEqual(star.crm_pool_state, "owned")
        self.assertEqual(len(self.activities(star, ESCALATION)), 1)
        self.assertEqual(star.crm_value_escalated_date, datetime(2025, 3, 14, 9, 0))
        self.assertFalse(self.activities(plain, ESCALATION))

    def test_escalation_of_a_new_cycle_after_a_contact(self):
        self.pool.write({"crm_value_escalate": True, "crm_value_escalate_classes": "AB"})
        customer = self.owned_at_t0("Busy Bakery", "B")
        self.run_release_cron("2025-03-14 09:00:00")
        self.activities(customer, ESCALATION).action_feedback("Called the owner")
        # the owner calls: a new deadline, and a new escalation once it passes too
        with freeze_time("2025-03-15 09:00:00"):
            self.Partner._crm_register_contact(customer, datetime(2025, 3, 15, 9, 0))
        self.assertEqual(customer.ownership_deadline, datetime(2025, 3, 25, 9, 0))
        self.run_release_cron("2025-03-16 09:00:00")
        self.assertFalse(self.activities(customer, ESCALATION))
        self.run_release_cron("2025-03-26 09:00:00")
        self.assertEqual(customer.crm_pool_state, "owned")
        self.assertEqual(len(self.activities(customer, ESCALATION)), 1)
        self.assertEqual(customer.crm_value_escalated_date, datetime(2025, 3, 26, 9, 0))

    def test_escalation_goes_to_a_sales_manager_without_team_leader(self):
        self.pool.write({"crm_value_escalate": True, "crm_value_escalate_classes": "ABC"})
        customer = self.owned_at_t0("Lonely Lathes", "C", user=self.outsider)
        self.run_release_cron("2025-03-14 09:00:00")
        self.assertEqual(customer.crm_pool_state, "owned")
        activity = self.activities(customer, ESCALATION)
        self.assertEqual(len(activity), 1)
        self.assertTrue(activity.user_id.has_group("sales_team.group_sale_manager"))
        self.assertIn(self.env.company, activity.user_id.company_ids)

    def test_without_the_option_released_as_before(self):
        star = self.owned_at_t0("Star Steelworks", "A")
        self.pool.crm_value_escalate_classes = "ABC"  # classes chosen but the option is off
        self.run_release_cron("2025-03-13 09:00:00")
        self.assertEqual(star.crm_pool_state, "pool")
        self.assertEqual(star.crm_release_reason, "No contact for 10 days.")
        self.assertFalse(self.activities(star, ESCALATION))
        self.assertEqual(len(self.events(star, "release")), 1)

    def test_class_of_another_company_does_not_count(self):
        self.pool.write({"crm_value_escalate": True, "crm_value_escalate_classes": "A"})
        with freeze_time(T0):
            customer = self.make_customer("Abroad Anchors", user=self.salesperson)
        other = self.env["res.company"].create({"name": "Pool Value Other Co"})
        self.env["crm.value.score"].create(
            {"partner_id": customer.id, "company_id": other.id, "abc_class": "A"}
        )
        self.run_release_cron("2025-03-13 09:00:00")
        self.assertEqual(customer.crm_pool_state, "pool")
