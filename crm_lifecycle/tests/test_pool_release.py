from datetime import date, datetime, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.tests import new_test_user, tagged

from .common_pool import T0, PoolCase

WARNING = "crm_lifecycle.mail_activity_type_crm_release_warning"
FOLLOWUP = "crm_lifecycle.mail_activity_type_crm_followup"


@tagged("post_install", "-at_install")
class TestPoolRelease(PoolCase):
    """Deadlines, warnings, the release cron, contacts and follow-ups, with time moved by freezegun.

    The test pool: released after 10 days without contact, warned 2 days before, no protection,
    follow up every 7 days; the other rules are switched on per test.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Partner = cls.env["res.partner"]

    def run_release_cron(self, at):
        with freeze_time(at):
            self.Partner._cron_crm_release_expired()

    def run_followup_cron(self, at):
        with freeze_time(at):
            self.Partner._cron_crm_followup_reminders()

    def owned_at_t0(self, name, user=None, **vals):
        with freeze_time(T0):
            return self.make_customer(name, user=user or self.salesperson, **vals)

    def assertReleasedByTimeout(self, customer, owner, reason, when):
        self.assertEqual(customer.crm_pool_state, "pool")
        self.assertFalse(customer.user_id)
        self.assertEqual(customer.previous_owner_id, owner)
        self.assertFalse(customer.crm_released_by_id)
        self.assertEqual(customer.crm_release_reason, reason)
        self.assertEqual(customer.crm_released_date, when)
        self.assertFalse(customer.ownership_deadline)
        self.assertFalse(customer.next_followup_date)
        event = self.events(customer, "release")
        self.assertEqual(len(event), 1)
        self.assertEqual(event.trigger, "timeout")
        self.assertEqual(event.reason, reason)
        self.assertEqual(event.from_user_id, owner)
        self.assertEqual(event.date, when)
        self.assertEqual(event.pool_id, customer.crm_pool_id)

    # ------------------------------------------------------------------
    # Deadlines and the release cron
    # ------------------------------------------------------------------
    def test_no_contact_releases_at_the_deadline_once(self):
        customer = self.owned_at_t0("Silent Sawmill")
        self.assertEqual(customer.ownership_deadline, datetime(2025, 3, 13, 9, 0))
        self.assertEqual(customer.crm_release_rule, "no_contact")
        self.run_release_cron("2025-03-13 08:59:59")
        self.assertEqual(customer.user_id, self.salesperson)
        self.run_release_cron("2025-03-13 09:00:00")
        self.assertReleasedByTimeout(
            customer, self.salesperson, "No contact for 10 days.", datetime(2025, 3, 13, 9, 0)
        )
        # the warning given on the way is gone with the customer
        self.assertFalse(self.activities(customer, WARNING))
        # a rerun (the next night, or the same one after a crash) releases nothing twice
        self.run_release_cron("2025-03-13 09:00:00")
        self.run_release_cron("2025-03-14 09:00:00")
        self.assertEqual(len(self.events(customer, "release")), 1)
        self.assertEqual(customer.crm_released_date, datetime(2025, 3, 13, 9, 0))

    def test_rule_switched_off_never_releases(self):
        self.pool.no_contact_days = 0
        customer = self.owned_at_t0("Forever Foundry")
        self.assertFalse(customer.ownership_deadline)
        self.run_release_cron("2026-03-03 09:00:00")
        self.assertEqual(customer.user_id, self.salesperson)

    def test_no_opportunity_deadline_and_open_opportunity_exemption(self):
        self.pool.write({"no_contact_days": 0, "no_opportunity_days": 20})
        idle = self.owned_at_t0("Idle Ironworks")
        with_lead = self.owned_at_t0("Leading Ladders")
        quoted = self.owned_at_t0("Quoted Quilts")
        self.assertEqual(idle.ownership_deadline, datetime(2025, 3, 23, 9, 0))
        self.assertEqual(idle.crm_release_rule, "no_opportunity")
        with freeze_time("2025-03-05 09:00:00"):
            lead = (
                self.env["crm.lead"]
                .with_user(self.salesperson)
                .create({"name": "Ladders 2025", "type": "opportunity", "partner_id": with_lead.id})
            )
            self.env["sale.order"].with_user(self.salesperson).create(
                {
                    "partner_id": quoted.id,
                    "order_line": [Command.create({"product_id": self.product.id, "product_uom_qty": 1})],
                }
            )
        # an open opportunity or quotation exempts the customer at once
        self.assertFalse(with_lead.ownership_deadline)
        self.assertFalse(quoted.ownership_deadline)
        self.run_release_cron("2025-03-23 09:00:00")
        self.assertReleasedByTimeout(
            idle,
            self.salesperson,
            "No open opportunity or quotation 20 days after the claim.",
            datetime(2025, 3, 23, 9, 0),
        )
        self.assertEqual((with_lead | quoted).user_id, self.salesperson)
        # the opportunity is lost: the customer is released at the next run, its deadline past
        with freeze_time("2025-03-24 09:00:00"):
            lead.with_user(self.salesperson).action_set_lost()
        self.run_release_cron("2025-03-24 09:00:00")
        self.assertReleasedByTimeout(
            with_lead,
            self.salesperson,
            "No open opportunity or quotation 20 days after the claim.",
            datetime(2025, 3, 24, 9, 0),
        )
        self.assertEqual(quoted.user_id, self.salesperson)

    def test_open_opportunity_without_exemption_still_counts_contacts(self):
        self.pool.write({"no_opportunity_days": 20, "exempt_open_opportunity": False})
        customer = self.owned_at_t0("Unexempt Upholstery")
        with freeze_time(T0):
            self.env["crm.lead"].with_user(self.salesperson).create(
                {"name": "Sofas", "type": "opportunity", "partner_id": customer.id}
            )
        # no longer exempt: the opportunity only satisfies its own rule, not the contact rule
        self.assertEqual(customer.ownership_deadline, datetime(2025, 3, 13, 9, 0))
        self.assertEqual(customer.crm_release_rule, "no_contact")
        self.run_release_cron("2025-03-13 09:00:00")
        self.assertEqual(customer.crm_pool_state, "pool")

    def test_no_deal_deadline_and_deal_customer_exemption(self):
        self.pool.write({"no_contact_days": 0, "no_deal_days": 40})
        idle = self.owned_at_t0("Dealless Dairy")
        buyer = self.owned_at_t0("Buying Brewery")
        early_buyer = self.owned_at_t0("Early Bird Bakery")
        self.assertEqual(idle.ownership_deadline, datetime(2025, 4, 12, 9, 0))
        self.assertEqual(idle.crm_release_rule, "no_deal")
        with freeze_time("2025-03-04 09:00:00"):
            for partner in (buyer, early_buyer):
                order = (
                    self.env["sale.order"]
                    .with_user(self.salesperson)
                    .create(
                        {
                            "partner_id": partner.id,
                            "order_line": [
                                Command.create({"product_id": self.product.id, "product_uom_qty": 1})
                            ],
                        }
                    )
                )
                order.with_user(self.salesperson).action_confirm()
        # a confirmed order makes a deal customer: exempt
        self.assertFalse(buyer.ownership_deadline)
        self.assertFalse(early_buyer.ownership_deadline)
        # without the exemption, a deal since the claim still meets the rule...
        self.pool.exempt_deal_customers = False
        self.assertFalse(buyer.ownership_deadline)
        # ...but a deal made before the current owner's claim does not
        with freeze_time("2025-03-05 09:00:00"):
            early_buyer.with_user(self.sales_manager).action_crm_assign(self.colleague)
        self.assertEqual(early_buyer.ownership_deadline, datetime(2025, 4, 14, 9, 0))
        self.assertEqual(early_buyer.crm_release_rule, "no_deal")
        self.run_release_cron("2025-04-12 09:00:00")
        self.assertReleasedByTimeout(
            idle,
            self.salesperson,
            "No confirmed order or posted invoice 40 days after the claim.",
            datetime(2025, 4, 12, 9, 0),
        )
        self.assertEqual(early_buyer.user_id, self.colleague)
        self.run_release_cron("2025-04-14 09:00:00")
        self.assertEqual(early_buyer.crm_pool_state, "pool")
        self.assertEqual(buyer.user_id, self.salesperson)

    def test_protection_days_delay_the_release(self):
        self.pool.write({"no_contact_days": 2, "protection_days": 7})
        customer = self.owned_at_t0("Protected Printworks")
        self.assertEqual(customer.ownership_deadline, datetime(2025, 3, 10, 9, 0))
        self.assertEqual(customer.crm_release_rule, "no_contact")
        self.run_release_cron("2025-03-09 09:00:00")
        self.assertEqual(customer.user_id, self.salesperson)
        self.run_release_cron("2025-03-10 09:00:00")
        self.assertReleasedByTimeout(
            customer, self.salesperson, "No contact for 2 days.", datetime(2025, 3, 10, 9, 0)
        )

    def test_pool_level_overrides_days_for_its_stage(self):
        qualified = self.stages["qualified"].id
        level = self.env["crm.pool.level"].create(
            {
                "pool_id": self.pool.id,
                "lifecycle_stage_id": qualified,
                "no_contact_days": 3,
                "no_opportunity_days": 0,
                "no_deal_days": 0,
            }
        )
        hot = self.owned_at_t0("Qualified Quarry", lifecycle_stage_id=qualified)
        cold = self.owned_at_t0("Unqualified Umbrellas")
        self.assertEqual(hot.ownership_deadline, datetime(2025, 3, 6, 9, 0))
        self.assertEqual(cold.ownership_deadline, datetime(2025, 3, 13, 9, 0))
        self.run_release_cron("2025-03-06 09:00:00")
        self.assertReleasedByTimeout(
            hot, self.salesperson, "No contact for 3 days.", datetime(2025, 3, 6, 9, 0)
        )
        self.assertEqual(cold.user_id, self.salesperson)
        # 0 on the level switches the rule off for the stage; editing the level reschedules
        other = self.owned_at_t0("Qualified Quince", lifecycle_stage_id=qualified)
        self.assertEqual(other.ownership_deadline, datetime(2025, 3, 6, 9, 0))
        level.no_contact_days = 0
        self.assertFalse(other.ownership_deadline)
        # a level without a value keeps the pool's days
        level.unlink()
        self.assertEqual(other.ownership_deadline, datetime(2025, 3, 13, 9, 0))
        self.env["crm.pool.level"].create(
            {"pool_id": self.pool.id, "lifecycle_stage_id": qualified, "followup_days": 2}
        )
        self.assertEqual(other.ownership_deadline, datetime(2025, 3, 13, 9, 0))
        self.assertEqual(other.next_followup_date, date(2025, 3, 5))

    # ------------------------------------------------------------------
    # Warning before the deadline
    # ------------------------------------------------------------------
    def test_warning_once_per_cycle_with_date_and_reason(self):
        customer = self.owned_at_t0("Warned Woodworks")
        self.run_release_cron("2025-03-11 08:59:00")
        self.assertFalse(self.activities(customer, WARNING))
        self.run_release_cron("2025-03-11 09:00:00")
        warning = self.activities(customer, WARNING)
        self.assertEqual(len(warning), 1)
        self.assertEqual(warning.user_id, self.salesperson)
        self.assertEqual(warning.date_deadline, date(2025, 3, 13))
        self.assertEqual(warning.summary, "Returns to the pool on 2025-03-13")
        self.assertIn(
            "Returns to the pool on 2025-03-13, because: No contact for 10 days.", str(warning.note)
        )
        self.assertEqual(customer.crm_warned_date, datetime(2025, 3, 11, 9, 0))
        event = self.events(customer, "warning")
        self.assertEqual(len(event), 1)
        self.assertEqual((event.trigger, event.from_user_id), ("timeout", self.salesperson))
        self.assertIn("Returns to the pool on 2025-03-13", event.reason)
        # reruns in the same cycle warn no more
        self.run_release_cron("2025-03-11 09:00:00")
        self.run_release_cron("2025-03-12 09:00:00")
        self.assertEqual(len(self.activities(customer, WARNING)), 1)
        self.assertEqual(len(self.events(customer, "warning")), 1)
        # a contact moves the deadline out of the window: the warning is done with
        with freeze_time("2025-03-12 10:00:00"):
            customer.with_user(self.salesperson).message_post(
                body="Called: they will order in April.", message_type="comment"
            )
        self.assertEqual(customer.ownership_deadline, datetime(2025, 3, 22, 10, 0))
        self.assertFalse(self.activities(customer, WARNING))
        self.assertFalse(customer.crm_warned_date)
        self.run_release_cron("2025-03-13 09:00:00")
        self.assertEqual(customer.user_id, self.salesperson)
        # a new cycle, a new warning, once
        self.run_release_cron("2025-03-20 10:00:00")
        self.run_release_cron("2025-03-21 10:00:00")
        warning = self.activities(customer, WARNING)
        self.assertEqual(len(warning), 1)
        self.assertEqual(warning.summary, "Returns to the pool on 2025-03-22")
        self.assertEqual(len(self.events(customer, "warning")), 2)
        self.run_release_cron("2025-03-22 10:00:00")
        self.assertEqual(customer.crm_pool_state, "pool")
        self.assertFalse(self.activities(customer, WARNING))

    def test_no_warning_when_switched_off_or_exempt(self):
        self.pool.warn_days = 0
        customer = self.owned_at_t0("Unwarned Unicycles")
        self.run_release_cron("2025-03-12 09:00:00")
        self.assertFalse(self.activities(customer, WARNING))
        self.pool.warn_days = 2
        with freeze_time("2025-03-12 09:00:00"):
            customer.with_user(self.salesperson).action_crm_lock()
        self.run_release_cron("2025-03-12 09:00:00")
        self.assertFalse(self.activities(customer, WARNING))
        self.assertFalse(self.events(customer, "warning"))

    # ------------------------------------------------------------------
    # Contacts
    # ------------------------------------------------------------------
    def assertContactAt(self, customer, when):
        self.assertEqual(customer.last_contact_date, when)
        self.assertEqual(customer.ownership_deadline, when + timedelta(days=10))
        self.assertEqual(customer.next_followup_date, (when + timedelta(days=7)).date())

    def test_message_by_the_owner_is_a_contact(self):
        customer = self.owned_at_t0("Chatty Chandlery")
        self.assertFalse(customer.last_contact_date)
        with freeze_time("2025-03-08 09:00:00"):
            customer.with_user(self.salesperson).message_post(
                body="Visited the plant.", message_type="comment", subtype_xmlid="mail.mt_note"
            )
        self.assertContactAt(customer, datetime(2025, 3, 8, 9, 0))
        # the old deadline passes: still owned
        self.run_release_cron("2025-03-13 09:00:00")
        self.assertEqual(customer.user_id, self.salesperson)
        # a message on one of the customer's opportunities counts as well
        with freeze_time("2025-03-09 09:00:00"):
            lead = (
                self.env["crm.lead"]
                .with_user(self.salesperson)
                .create({"name": "Chandlery refit", "type": "opportunity", "partner_id": customer.id})
            )
        with freeze_time("2025-03-10 11:00:00"):
            lead.with_user(self.salesperson).message_post(body="Sent the brochure.", message_type="comment")
        self.assertEqual(customer.last_contact_date, datetime(2025, 3, 10, 11, 0))
        self.assertEqual(customer.next_followup_date, date(2025, 3, 17))

    def test_message_on_a_contact_person_or_an_order_counts_for_the_company(self):
        customer = self.owned_at_t0("Corporate Cordage")
        buyer = self.Partner.create({"name": "Bea Buyer", "parent_id": customer.id})
        with freeze_time("2025-03-05 09:00:00"):
            buyer.with_user(self.salesperson).message_post(body="Spoke to Bea.", message_type="comment")
        self.assertContactAt(customer, datetime(2025, 3, 5, 9, 0))
        self.assertFalse(buyer.last_contact_date)
        with freeze_time("2025-03-06 09:00:00"):
            order = (
                self.env["sale.order"]
                .with_user(self.salesperson)
                .create(
                    {
                        "partner_id": buyer.id,
                        "order_line": [Command.create({"product_id": self.product.id, "product_uom_qty": 1})],
                    }
                )
            )
        self.assertEqual(customer.last_contact_date, datetime(2025, 3, 5, 9, 0))  # a quotation alone is not
        with freeze_time("2025-03-07 09:00:00"):
            order.with_user(self.salesperson).message_post(
                body="Quotation explained.", message_type="comment"
            )
        self.assertEqual(customer.last_contact_date, datetime(2025, 3, 7, 9, 0))
        self.assertEqual(customer.next_followup_date, date(2025, 3, 14))

    def test_logged_call_is_a_contact(self):
        customer = self.owned_at_t0("Ringing Rigging")
        with freeze_time("2025-03-07 15:30:00"):
            action = customer.with_user(self.salesperson).action_crm_log_call()
            self.env["crm.contact.log"].with_user(self.salesperson).with_context(**action["context"]).create(
                {"summary": "Asked for a sample"}
            ).action_confirm()
        self.assertContactAt(customer, datetime(2025, 3, 7, 15, 30))

    def test_done_activity_is_a_contact(self):
        customer = self.owned_at_t0("Scheduled Scaffolds")
        with freeze_time(T0):
            activity = customer.with_user(self.salesperson).activity_schedule(
                "mail.mail_activity_data_call", user_id=self.salesperson.id, summary="Call the buyer"
            )
        self.assertFalse(customer.last_contact_date)  # scheduling is not a contact
        with freeze_time("2025-03-07 10:00:00"):
            activity.with_user(self.salesperson).action_feedback(feedback="Buyer interested")
        self.assertContactAt(customer, datetime(2025, 3, 7, 10, 0))

    def test_meeting_is_a_contact(self):
        customer = self.owned_at_t0("Meeting Mills")
        with freeze_time("2025-03-06 14:00:00"):
            self.env["calendar.event"].with_user(self.salesperson).create(
                {
                    "name": "Visit at Meeting Mills",
                    "start": datetime(2025, 3, 10, 9, 0),
                    "stop": datetime(2025, 3, 10, 10, 0),
                    "partner_ids": [Command.set([customer.id, self.salesperson.partner_id.id])],
                }
            )
        self.assertContactAt(customer, datetime(2025, 3, 6, 14, 0))

    def test_message_from_the_customer_is_not_a_contact(self):
        customer = self.owned_at_t0("Quiet Quarry")
        portal = new_test_user(
            self.env, login="crm_pool_portal", name="Petra Portal", groups="base.group_portal"
        )
        with freeze_time("2025-03-08 09:00:00"):
            customer.message_post(body="Any news?", message_type="email", author_id=customer.id)
            customer.message_post(
                body="Hello from the portal", message_type="comment", author_id=portal.partner_id.id
            )
        self.assertFalse(customer.last_contact_date)
        self.assertEqual(customer.ownership_deadline, datetime(2025, 3, 13, 9, 0))
        self.run_release_cron("2025-03-13 09:00:00")
        self.assertEqual(customer.crm_pool_state, "pool")

    # ------------------------------------------------------------------
    # Follow-ups
    # ------------------------------------------------------------------
    def test_followup_interval_own_then_level_then_stage_then_pool(self):
        customer = self.owned_at_t0("Cadence Carpentry")
        with freeze_time("2025-03-04 09:00:00"):
            customer.with_user(self.salesperson).message_post(body="First call.", message_type="comment")
        self.assertEqual(customer.next_followup_date, date(2025, 3, 11))  # the pool's 7 days
        self.stages["pool"].followup_days = 10
        self.run_release_cron("2025-03-04 10:00:00")  # the nightly run reschedules
        self.assertEqual(customer.next_followup_date, date(2025, 3, 14))  # the stage's 10
        self.env["crm.pool.level"].create(
            {"pool_id": self.pool.id, "lifecycle_stage_id": self.stages["pool"].id, "followup_days": 5}
        )
        self.assertEqual(customer.next_followup_date, date(2025, 3, 9))  # the level's 5
        customer.with_user(self.salesperson).crm_followup_days = 3
        self.assertEqual(customer.next_followup_date, date(2025, 3, 7))  # its own 3
        customer.with_user(self.salesperson).crm_followup_days = 0
        self.assertEqual(customer.next_followup_date, date(2025, 3, 9))

    def test_followup_activity_on_the_due_day_never_duplicated(self):
        customer = self.owned_at_t0("Due Date Distillery")
        self.assertEqual(customer.next_followup_date, date(2025, 3, 10))
        self.run_followup_cron("2025-03-09 09:00:00")
        self.assertFalse(self.activities(customer, FOLLOWUP))
        self.run_followup_cron("2025-03-10 09:00:00")
        followup = self.activities(customer, FOLLOWUP)
        self.assertEqual(len(followup), 1)
        self.assertEqual(followup.user_id, self.salesperson)
        self.assertEqual(followup.date_deadline, date(2025, 3, 10))
        self.assertEqual(followup.summary, "Follow up")
        # it shows in the owner's "My follow-ups" (due today and overdue)
        with freeze_time("2025-03-11 09:00:00"):
            mine = self.Partner.with_user(self.salesperson).search(
                [("user_id", "=", self.salesperson.id), ("next_followup_date", "<=", date(2025, 3, 11))]
            )
            self.assertIn(customer, mine)
        self.run_followup_cron("2025-03-10 09:00:00")
        self.run_followup_cron("2025-03-11 09:00:00")
        self.assertEqual(len(self.activities(customer, FOLLOWUP)), 1)
        # the follow-up call is a contact: the reminder is done with and not made again
        with freeze_time("2025-03-11 10:00:00"):
            customer.with_user(self.salesperson).message_post(body="Followed up.", message_type="comment")
        self.assertEqual(customer.next_followup_date, date(2025, 3, 18))
        self.assertFalse(self.activities(customer, FOLLOWUP))
        self.run_followup_cron("2025-03-11 11:00:00")
        self.assertFalse(self.activities(customer, FOLLOWUP))
        self.run_followup_cron("2025-03-18 09:00:00")
        self.assertEqual(len(self.activities(customer, FOLLOWUP)), 1)

    def test_followup_done_as_activity_is_not_recreated(self):
        customer = self.owned_at_t0("Feedback Fabrics")
        self.run_followup_cron("2025-03-10 09:00:00")
        followup = self.activities(customer, FOLLOWUP)
        with freeze_time("2025-03-10 15:00:00"):
            followup.with_user(self.salesperson).action_feedback(feedback="Called back")
        self.assertEqual(customer.last_contact_date, datetime(2025, 3, 10, 15, 0))
        self.assertEqual(customer.next_followup_date, date(2025, 3, 17))
        self.run_followup_cron("2025-03-10 16:00:00")
        self.assertFalse(self.activities(customer, FOLLOWUP))

    def test_no_followup_without_an_interval(self):
        self.pool.followup_days = 0
        customer = self.owned_at_t0("Cadenceless Cables")
        self.assertFalse(customer.next_followup_date)
        self.run_followup_cron("2025-04-03 09:00:00")
        self.assertFalse(self.activities(customer, FOLLOWUP))

    def test_no_followup_for_pool_customers(self):
        customer = self.owned_at_t0("Returned Ropes")
        with freeze_time("2025-03-05 09:00:00"):
            self.release(self.salesperson, customer)
        self.assertFalse(customer.next_followup_date)
        self.run_followup_cron("2025-03-20 09:00:00")
        self.assertFalse(self.activities(customer, FOLLOWUP))
