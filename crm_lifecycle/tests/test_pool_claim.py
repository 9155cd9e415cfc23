from datetime import datetime

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged
from odoo.tools import format_date

from .common_pool import T0, PoolCase


@tagged("post_install", "-at_install")
class TestPoolClaim(PoolCase):
    """Claim, release, assign and lock, each run by the role that clicks the button."""

    def assertRefused(self, user, partners, *fragments):
        """``user`` claiming ``partners`` is refused with a message holding every fragment."""
        with self.assertRaises(UserError) as caught:
            self.claim(user, partners)
        for fragment in fragments:
            self.assertIn(fragment, str(caught.exception))
        return str(caught.exception)

    def fmt(self, value):
        return format_date(self.env, value)

    # ------------------------------------------------------------------
    # Claim
    # ------------------------------------------------------------------
    @freeze_time(T0)
    def test_claim_takes_pool_customer_and_logs_event(self):
        customer = self.make_customer("Claimable Lighting")
        self.assertEqual(customer.crm_pool_state, "pool")
        self.assertTrue(customer.with_user(self.salesperson).crm_can_claim)
        result = self.claim(self.salesperson, customer)
        self.assertEqual(result["params"]["type"], "success")
        self.assertEqual(customer.user_id, self.salesperson)
        self.assertEqual(customer.crm_pool_state, "owned")
        self.assertEqual(customer.owner_since, datetime(2025, 3, 3, 9, 0))
        self.assertTrue(customer.with_user(self.salesperson).crm_is_owner)
        event = self.events(customer, "claim")
        self.assertEqual(len(event), 1)
        self.assertFalse(event.from_user_id)
        self.assertEqual(event.to_user_id, self.salesperson)
        self.assertEqual(event.user_id, self.salesperson)
        self.assertEqual(event.pool_id, self.pool)
        self.assertEqual(event.trigger, "manual")
        self.assertEqual(event.date, datetime(2025, 3, 3, 9, 0))
        # the customer is the salesperson's now: a deadline and a follow-up date run
        self.assertEqual(customer.ownership_deadline, datetime(2025, 3, 13, 9, 0))
        self.assertEqual(customer.crm_release_rule, "no_contact")
        self.assertEqual(str(customer.next_followup_date), "2025-03-10")

    @freeze_time(T0)
    def test_claim_refused_over_max_owned(self):
        owned = self.make_customers("Owned", 3, user=self.salesperson)
        customer = self.make_customer("One Too Many Bakery")
        self.assertRefused(
            self.salesperson,
            customer,
            "Sally Salesperson owns 3 customers of the pool Test Company Pool, whose limit is 3",
            "release customers before taking 1 more",
        )
        self.assertEqual(customer.crm_pool_state, "pool")
        self.assertFalse(self.events(customer, "claim"))
        # a bulk claim counts every customer it takes
        self.release(self.salesperson, owned[:2])
        pair = customer | self.make_customer("Second Helping Bakery")
        self.assertRefused(self.salesperson, pair | self.make_customer("Third Helping Bakery"), "owns 1")
        self.claim(self.salesperson, pair)
        self.assertEqual(pair.user_id, self.salesperson)
        # another salesperson's limit is their own
        self.claim(self.colleague, owned[:1])
        self.assertEqual(owned[0].user_id, self.colleague)

    def test_claims_per_day_reset_at_midnight(self):
        with freeze_time(T0):
            first, second, third = self.make_customers("Daily", 3)
            self.claim(self.salesperson, first | second)
            self.assertRefused(
                self.salesperson,
                third,
                "Sally Salesperson claimed 2 customers of the pool Test Company Pool today, which "
                "allows 2 a day: claim again tomorrow.",
            )
        with freeze_time("2025-03-03 23:59:59"):
            self.assertRefused(self.salesperson, third, "claim again tomorrow")
            # the limit is per salesperson
            self.assertEqual(third._crm_claim_check(self.colleague), [])
        with freeze_time("2025-03-04 00:00:01"):
            self.claim(self.salesperson, third)
        self.assertEqual(third.user_id, self.salesperson)
        self.assertEqual(len(self.events(first | second | third, "claim")), 3)

    def test_claims_per_day_follow_the_salesperson_time_zone(self):
        self.salesperson.tz = "Asia/Shanghai"  # UTC+8: the day starts at 16:00 UTC
        with freeze_time(T0):
            first, second, third = self.make_customers("Shanghai", 3)
            self.claim(self.salesperson, first | second)
        with freeze_time("2025-03-03 15:59:00"):
            self.assertRefused(self.salesperson, third, "today, which allows 2 a day")
        with freeze_time("2025-03-03 16:00:30"):
            self.claim(self.salesperson, third)
        self.assertEqual(third.user_id, self.salesperson)

    def test_reclaim_cooldown_for_previous_owner_only(self):
        with freeze_time(T0):
            kept, shared = self.make_customers("Cooldown", 2, user=self.salesperson)
            self.release(self.salesperson, kept | shared)
            # another salesperson may claim a released customer at once
            self.claim(self.colleague, shared)
            self.assertEqual(shared.user_id, self.colleague)
        with freeze_time("2025-03-08 08:59:00"):
            self.assertRefused(
                self.salesperson,
                kept,
                f"Sally Salesperson released {kept.name} on {self.fmt(datetime(2025, 3, 3))}",
                "the pool Test Company Pool lets the previous owner claim it again from "
                f"{self.fmt(datetime(2025, 3, 8))} (reclaim cooldown of 5 days).",
            )
            self.assertEqual(kept.crm_pool_state, "pool")
        with freeze_time("2025-03-08 09:00:00"):
            self.claim(self.salesperson, kept)
        self.assertEqual(kept.user_id, self.salesperson)
        # no cooldown set: the previous owner claims back at once
        self.pool.reclaim_cooldown_days = 0
        with freeze_time("2025-03-09 09:00:00"):
            self.release(self.salesperson, kept)
            self.claim(self.salesperson, kept)
        self.assertEqual(kept.user_id, self.salesperson)

    @freeze_time(T0)
    def test_team_pool_hidden_from_non_member(self):
        customer = self.make_customer("Northern Lights Ltd", pool=self.team_pool)
        self.assertIn(self.team_pool, self.salesperson.crm_pool_ids)
        self.assertIn(self.team_pool, self.team_leader.crm_pool_ids)
        self.assertNotIn(self.team_pool, self.outsider.crm_pool_ids)
        self.assertIn(self.pool, self.outsider.crm_pool_ids)
        Partner = self.env["res.partner"]
        self.assertFalse(Partner.with_user(self.outsider).search([("id", "=", customer.id)]))
        self.assertTrue(Partner.with_user(self.team_leader).search([("id", "=", customer.id)]))
        with self.assertRaises(AccessError):
            self.claim(self.outsider, customer)
        # a flow that reaches the claim anyway (a document, an assignment check) names the teams
        message = (
            "Northern Lights Ltd is in the pool North Team Pool, which is open to the teams "
            "Pool Team North only."
        )
        self.assertEqual(customer._crm_claim_check(self.outsider), [message])
        with self.assertRaisesText(UserError, "open to the teams Pool Team North only"):
            customer._crm_claim(self.outsider)
        self.assertEqual(customer.crm_pool_state, "pool")
        # a member claims it
        self.claim(self.salesperson, customer)
        self.assertEqual(customer.user_id, self.salesperson)
        self.assertEqual(self.events(customer, "claim").pool_id, self.team_pool)

    @freeze_time(T0)
    def test_claim_refused_when_owned_by_another(self):
        customer = self.make_customer("Taken Textiles", user=self.colleague)
        self.assertEqual(customer.crm_team_id, self.team)
        # the team leader sees the team's customers but cannot take them
        self.assertRefused(
            self.team_leader,
            customer,
            f"Taken Textiles already belongs to Colin Colleague (since {self.fmt(datetime(2025, 3, 3))}).",
        )
        # a salesperson does not even see another salesperson's customer
        Partner = self.env["res.partner"].with_user(self.salesperson)
        self.assertFalse(Partner.search([("id", "=", customer.id)]))
        with self.assertRaises(AccessError):
            self.claim(self.salesperson, customer)
        self.assertEqual(customer.user_id, self.colleague)
        self.assertFalse(self.events(customer, "claim"))

    # ------------------------------------------------------------------
    # Release
    # ------------------------------------------------------------------
    def test_release_by_owner_with_reason(self):
        with freeze_time(T0):
            customer = self.make_customer("Released Rugs", user=self.salesperson)
        with freeze_time("2025-03-04 10:00:00"):
            self.assertTrue(self.release(self.salesperson, customer, "Moved abroad, no longer buying."))
        self.assertEqual(customer.crm_pool_state, "pool")
        self.assertFalse(customer.user_id)
        self.assertEqual(customer.previous_owner_id, self.salesperson)
        self.assertEqual(customer.crm_released_by_id, self.salesperson)
        self.assertEqual(customer.crm_release_reason, "Moved abroad, no longer buying.")
        self.assertEqual(customer.crm_released_date, datetime(2025, 3, 4, 10, 0))
        self.assertFalse(customer.owner_since)
        self.assertFalse(customer.ownership_deadline)
        self.assertFalse(customer.next_followup_date)
        event = self.events(customer, "release")
        self.assertEqual(len(event), 1)
        self.assertEqual(event.from_user_id, self.salesperson)
        self.assertFalse(event.to_user_id)
        self.assertEqual(event.user_id, self.salesperson)
        self.assertEqual(event.reason, "Moved abroad, no longer buying.")
        self.assertEqual(event.trigger, "manual")
        self.assertEqual(event.pool_id, self.pool)
        # colleagues see who released it, when, why and for how long it has waited
        with freeze_time("2025-03-07 11:00:00"):
            seen = customer.with_user(self.colleague)
            self.assertEqual(seen.crm_pool_days, 3)
            self.assertEqual(seen.previous_owner_id, self.salesperson)
            self.assertEqual(seen.crm_release_reason, "Moved abroad, no longer buying.")
            self.assertTrue(seen.crm_can_claim)

    @freeze_time(T0)
    def test_release_needs_owner_or_manager(self):
        customer = self.make_customer("Guarded Glassworks", user=self.colleague)
        with self.assertRaisesText(AccessError, "Only the owner or a sales manager may release"):
            self.release(self.team_leader, customer)
        with self.assertRaises(AccessError):
            self.release(self.salesperson, customer)
        pool_customer = self.make_customer("Nobody's Nursery")
        with self.assertRaisesText(AccessError, "Only the owner or a sales manager may release"):
            self.release(self.salesperson, pool_customer)
        self.assertEqual(customer.user_id, self.colleague)
        self.release(self.sales_manager, customer, "Rebalancing the territories.")
        self.assertEqual(customer.crm_pool_state, "pool")
        self.assertEqual(customer.previous_owner_id, self.colleague)
        self.assertEqual(customer.crm_released_by_id, self.sales_manager)
        event = self.events(customer, "release")
        self.assertEqual((event.user_id, event.from_user_id), (self.sales_manager, self.colleague))

    @freeze_time(T0)
    def test_release_without_reason_asks_for_one(self):
        customer = self.make_customer("Reasonable Robotics", user=self.salesperson)
        action = customer.with_user(self.salesperson).action_crm_release()
        self.assertEqual(action["res_model"], "crm.pool.release")
        self.assertEqual(customer.crm_pool_state, "owned")
        Wizard = self.env["crm.pool.release"].with_user(self.salesperson).with_context(**action["context"])
        form = Form(Wizard)
        self.assertEqual(form.partner_ids[:], customer)
        with self.assertRaises(AssertionError):
            form.save()  # the reason is required
        form.reason = "Only buys from the competitor."
        form.save().action_confirm()
        self.assertEqual(customer.crm_pool_state, "pool")
        self.assertEqual(self.events(customer, "release").reason, "Only buys from the competitor.")

    # ------------------------------------------------------------------
    # Assign
    # ------------------------------------------------------------------
    @freeze_time(T0)
    def test_assign_over_limits_warns_and_logs(self):
        self.make_customers("Full", 3, user=self.salesperson)
        first, second = self.make_customers("Assigned", 2)
        result = (first | second).with_user(self.sales_manager).action_crm_assign(self.salesperson)
        self.assertEqual(result["params"]["type"], "warning")
        self.assertTrue(result["params"]["sticky"])
        warning = "Sally Salesperson owns 3 customers of the pool Test Company Pool, whose limit is 3"
        self.assertIn(warning, result["params"]["message"])
        self.assertEqual((first | second).user_id, self.salesperson)
        self.assertEqual(set((first | second).mapped("crm_pool_state")), {"owned"})
        events = self.events(first | second, "assign")
        self.assertEqual(len(events), 2)
        for event in events:
            self.assertFalse(event.from_user_id)
            self.assertEqual(event.to_user_id, self.salesperson)
            self.assertEqual(event.user_id, self.sales_manager)
            self.assertEqual(event.trigger, "manual")
            self.assertIn("Over the pool limits:", event.reason)
            self.assertIn(warning, event.reason)
        # within the limits: a plain success, no reason invented
        third = self.make_customer("Quiet Assignment Co")
        result = third.with_user(self.sales_manager).action_crm_assign(self.colleague)
        self.assertEqual(result["params"]["type"], "success")
        self.assertFalse(self.events(third, "assign").reason)

    @freeze_time(T0)
    def test_assign_transfers_from_another_salesperson(self):
        self.make_customers("Crowded", 3, user=self.salesperson)
        customer = self.make_customer("Handed Over Hats", user=self.colleague)
        result = customer.with_user(self.sales_manager).action_crm_assign(self.salesperson.id)
        self.assertEqual(customer.user_id, self.salesperson)
        self.assertEqual(customer.previous_owner_id, self.colleague)
        event = self.events(customer, "transfer")
        self.assertEqual(len(event), 1)
        self.assertEqual((event.from_user_id, event.to_user_id), (self.colleague, self.salesperson))
        # taking a colleague's customer counts against the limit too: the manager is warned
        self.assertEqual(result["params"]["type"], "warning")
        self.assertIn("owns 3 customers", result["params"]["message"])
        self.assertIn("Over the pool limits:", event.reason)

    @freeze_time(T0)
    def test_salesperson_cannot_assign(self):
        own = self.make_customer("Keep It Ltd", user=self.salesperson)
        pool_customer = self.make_customer("Pool Pottery")
        for customer in (own, pool_customer):
            with self.assertRaisesText(AccessError, "Only a sales manager may assign"):
                customer.with_user(self.salesperson).action_crm_assign(self.colleague)
        self.assertEqual(own.user_id, self.salesperson)
        self.assertEqual(pool_customer.crm_pool_state, "pool")

    @freeze_time(T0)
    def test_bulk_assign_through_the_dialog(self):
        self.make_customer("Already Colin's", user=self.colleague)
        customers = self.make_customers("Bulk", 3)
        action = customers.with_user(self.sales_manager).action_crm_assign()
        self.assertEqual(action["res_model"], "crm.pool.assign")
        Wizard = self.env["crm.pool.assign"].with_user(self.sales_manager).with_context(**action["context"])
        form = Form(Wizard)
        self.assertEqual(form.partner_ids[:], customers)
        form.user_id = self.colleague
        form.reason = "Territory change."
        self.assertIn("Colin Colleague owns 1 customers of the pool Test Company Pool", form.warning)
        wizard = form.save()
        result = wizard.action_confirm()
        self.assertEqual(result["params"]["type"], "warning")
        self.assertEqual(customers.user_id, self.colleague)
        events = self.events(customers, "assign")
        self.assertEqual(len(events), 3)
        self.assertEqual(events.to_user_id, self.colleague)
        for event in events:
            self.assertTrue(event.reason.startswith("Territory change.\nOver the pool limits:"))

    # ------------------------------------------------------------------
    # Lock
    # ------------------------------------------------------------------
    def test_lock_respects_max_locked_and_exempts_from_release(self):
        self.pool.reclaim_cooldown_days = 0
        with freeze_time(T0):
            first, second = self.make_customers("Locked", 2, user=self.salesperson)
            self.assertEqual(first.ownership_deadline, datetime(2025, 3, 13, 9, 0))
            self.assertTrue(first.with_user(self.salesperson).action_crm_lock())
            self.assertTrue(first.crm_locked)
            self.assertFalse(first.ownership_deadline)
            with self.assertRaisesText(
                UserError,
                "Sally Salesperson locked 1 customers of the pool Test Company Pool, which allows 1: "
                "unlock one first.",
            ):
                second.with_user(self.salesperson).action_crm_lock()
            self.assertFalse(second.crm_locked)
            # only the owner (or a manager) locks
            colleague_customer = self.make_customer("Not Yours Lumber", user=self.colleague)
            with self.assertRaisesText(AccessError, "Only the owner or a sales manager"):
                colleague_customer.with_user(self.team_leader).action_crm_lock()
        with freeze_time("2025-04-30 09:00:00"):
            self.env["res.partner"]._cron_crm_release_expired()
            self.assertEqual(first.user_id, self.salesperson)
            self.assertEqual(second.crm_pool_state, "pool")
            # unlocking frees a place and restores the deadline
            first.with_user(self.salesperson).action_crm_unlock()
            self.assertFalse(first.crm_locked)
            self.assertEqual(first.ownership_deadline, datetime(2025, 3, 13, 9, 0))
            self.claim(self.salesperson, second)
            second.with_user(self.salesperson).action_crm_lock()
            self.assertTrue(second.crm_locked)
            self.env["res.partner"]._cron_crm_release_expired()
        self.assertEqual(first.crm_pool_state, "pool")
        self.assertEqual(second.user_id, self.salesperson)

    # ------------------------------------------------------------------
    # The Salesperson field edited by hand
    # ------------------------------------------------------------------
    @freeze_time(T0)
    def test_salesperson_field_set_by_manager_assigns(self):
        pool_customer = self.make_customer("Manager Picks Ltd")
        colleague_customer = self.make_customer("Manager Moves Ltd", user=self.colleague)
        pool_customer.with_user(self.sales_manager).user_id = self.salesperson
        colleague_customer.with_user(self.sales_manager).write({"user_id": self.salesperson.id})
        self.assertEqual((pool_customer | colleague_customer).user_id, self.salesperson)
        assign = self.events(pool_customer, "assign")
        self.assertEqual(
            (assign.user_id, assign.to_user_id, assign.trigger),
            (self.sales_manager, self.salesperson, "manual"),
        )
        transfer = self.events(colleague_customer, "transfer")
        self.assertEqual((transfer.from_user_id, transfer.to_user_id), (self.colleague, self.salesperson))

    @freeze_time(T0)
    def test_salesperson_field_set_to_self_claims_under_limits(self):
        customer = self.make_customer("Self Service Supplies")
        customer.with_user(self.salesperson).write(
            {"user_id": self.salesperson.id, "comment": "Met at the fair"}
        )
        self.assertEqual(customer.user_id, self.salesperson)
        self.assertEqual(customer.crm_pool_state, "owned")
        self.assertIn("Met at the fair", customer.comment)
        event = self.events(customer, "claim")
        self.assertEqual((event.to_user_id, event.user_id), (self.salesperson, self.salesperson))
        # the limits apply as to the Claim button
        self.make_customers("Plenty", 2, user=self.salesperson)
        late = self.make_customer("Late Comer Ltd")
        with self.assertRaisesText(UserError, "owns 3 customers of the pool Test Company Pool"):
            late.with_user(self.salesperson).user_id = self.salesperson
        self.assertEqual(late.crm_pool_state, "pool")
        # clearing the field releases the customer
        customer.with_user(self.salesperson).user_id = False
        self.assertEqual(customer.crm_pool_state, "pool")
        self.assertEqual(self.events(customer, "release").reason, "Salesperson removed by hand.")

    @freeze_time(T0)
    def test_salesperson_field_set_to_another_refused(self):
        own = self.make_customer("Giveaway Gadgets", user=self.salesperson)
        pool_customer = self.make_customer("Pushed Pumps")
        for customer in (own, pool_customer):
            with self.assertRaisesText(AccessError, "Only a sales manager may give customers to another"):
                customer.with_user(self.salesperson).user_id = self.colleague
        self.assertEqual(own.user_id, self.salesperson)
        self.assertFalse(pool_customer.user_id)
        self.assertFalse(self.events(own | pool_customer, "transfer"))

    # ------------------------------------------------------------------
    # Documents claim their pool customer
    # ------------------------------------------------------------------
    @freeze_time(T0)
    def test_opportunity_claims_pool_customer(self):
        customer = self.make_customer("Opportune Optics")
        Lead = self.env["crm.lead"].with_user(self.salesperson)
        lead = Lead.create({"name": "Lenses for 2025", "type": "opportunity", "partner_id": customer.id})
        self.assertEqual(customer.user_id, self.salesperson)
        event = self.events(customer, "claim")
        self.assertEqual(len(event), 1)
        self.assertEqual((event.trigger, event.to_user_id), ("lead", self.salesperson))
        self.assertEqual((event.document_model, event.document_id), ("crm.lead", lead.id))
        # a lead (not an opportunity) claims nothing
        other = self.make_customer("Leading Lamps")
        Lead.create({"name": "Maybe lamps", "type": "lead", "partner_id": other.id})
        self.assertEqual(other.crm_pool_state, "pool")
        # over the limit, the opportunity is refused with the rule
        self.make_customers("Busy", 2, user=self.salesperson)
        with self.assertRaisesText(UserError, "owns 3 customers of the pool Test Company Pool"):
            Lead.create({"name": "Too many", "type": "opportunity", "partner_id": other.id})
        self.assertFalse(self.env["crm.lead"].search([("name", "=", "Too many")]))
        self.assertEqual(other.crm_pool_state, "pool")

    @freeze_time(T0)
    def test_quotation_claims_pool_customer(self):
        customer = self.make_customer("Quoted Quarries")
        SaleOrder = self.env["sale.order"].with_user(self.salesperson)
        line = {"product_id": self.product.id, "product_uom_qty": 2}
        order = SaleOrder.create({"partner_id": customer.id, "order_line": [Command.create(line)]})
        self.assertEqual(customer.user_id, self.salesperson)
        self.assertEqual(order.user_id, self.salesperson)
        event = self.events(customer, "claim")
        self.assertEqual(
            (event.trigger, event.document_model, event.document_id), ("quotation", "sale.order", order.id)
        )
        # the daily claim limit counts claims through documents too
        second, third = self.make_customers("Quote Limit", 2)
        SaleOrder.create({"partner_id": second.id, "order_line": [Command.create(line)]})
        with self.assertRaisesText(UserError, "claimed 2 customers of the pool Test Company Pool today"):
            SaleOrder.create({"partner_id": third.id, "order_line": [Command.create(line)]})
        self.assertFalse(self.env["sale.order"].search([("partner_id", "=", third.id)]))
        self.assertEqual(third.crm_pool_state, "pool")

    @freeze_time(T0)
    def test_manager_documents_assign_pool_customers_over_the_limits(self):
        """A sales manager's opportunities take pool customers as an assignment: over the daily
        claims and owned limits, named in the event (Odoo's mass conversion converts many leads
        of new customers at once: crm.tests.test_crm_lead_convert_mass)."""
        customers = self.make_customers("Managed", 4)
        Lead = self.env["crm.lead"].with_user(self.sales_manager)
        Lead.create(
            [
                {"name": f"Deal {customer.name}", "type": "opportunity", "partner_id": customer.id}
                for customer in customers
            ]
        )
        self.assertEqual(customers.user_id, self.sales_manager)
        self.assertEqual(set(customers.mapped("crm_pool_state")), {"owned"})
        events = self.events(customers, "assign")
        self.assertEqual(len(events), 4)
        self.assertEqual(set(events.mapped("trigger")), {"lead"})
        self.assertIn("owns 0 customers of the pool Test Company Pool, whose limit is 3", events[0].reason)
        self.assertFalse(self.events(customers, "claim"))

    # ------------------------------------------------------------------
    # Archived salespeople
    # ------------------------------------------------------------------
    @freeze_time(T0)
    def test_archived_user_customers_return_to_pool(self):
        customers = self.make_customers("Orphan", 2, user=self.salesperson)
        other = self.make_customer("Unrelated Umbrellas", user=self.colleague)
        self.salesperson.with_user(self.administrator).action_archive()
        self.assertEqual(set(customers.mapped("crm_pool_state")), {"pool"})
        self.assertFalse(customers.user_id)
        self.assertEqual(customers.previous_owner_id, self.salesperson)
        self.assertFalse(customers.crm_released_by_id)
        events = self.events(customers, "release")
        self.assertEqual(len(events), 2)
        for event in events:
            self.assertEqual(event.trigger, "user_archived")
            self.assertEqual(event.from_user_id, self.salesperson)
            self.assertEqual(event.reason, "The salesperson was archived.")
        self.assertEqual(other.user_id, self.colleague)

    @freeze_time(T0)
    def test_archived_user_customers_go_to_team_leader(self):
        self.pool.handover_to_team_leader = True
        handed = self.make_customer("Inherited Instruments", user=self.colleague)
        released = self.make_customer("Scoped Scaffolding", user=self.colleague, pool=self.team_pool)
        self.assertEqual(handed.crm_team_id.user_id, self.team_leader)
        self.colleague.with_user(self.administrator).write({"active": False})
        self.assertEqual(handed.user_id, self.team_leader)
        self.assertEqual(handed.previous_owner_id, self.colleague)
        event = self.events(handed, "transfer")
        self.assertEqual(
            (event.trigger, event.from_user_id, event.to_user_id),
            ("user_archived", self.colleague, self.team_leader),
        )
        # the team pool does not hand over: back to the pool
        self.assertEqual(released.crm_pool_state, "pool")
        self.assertEqual(self.events(released, "release").trigger, "user_archived")
        # a team without a leader: back to the pool as well
        outsider_customer = self.make_customer("Leaderless Looms", user=self.outsider)
        self.outsider.action_archive()
        self.assertEqual(outsider_customer.crm_pool_state, "pool")
        self.assertEqual(self.events(outsider_customer, "release").trigger, "user_archived")
        self.assertEqual(outsider_customer.crm_release_reason, "The salesperson was archived.")
