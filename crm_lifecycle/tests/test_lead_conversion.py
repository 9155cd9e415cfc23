"""Odoo's conversion wizards (one lead, or many at once) claim and move the customers once,
when the conversion is done, for the salesperson each opportunity ends up with."""

from odoo.tests import tagged

from .common_pool import PoolCase


@tagged("post_install", "-at_install")
class TestLeadConversion(PoolCase):
    def _events(self, partners, event_type):
        return self.env["crm.partner.event"].search(
            [("partner_id", "in", partners.ids), ("event_type", "=", event_type)]
        )

    def test_salesperson_converts_lead_of_pool_customer(self):
        customer = self.make_customer("Converted Pool Co")
        lead = self.env["crm.lead"].create(
            {"name": "Pool inquiry", "type": "lead", "partner_id": customer.id, "user_id": False}
        )
        self.assertEqual(customer.crm_pool_state, "pool")
        wizard = (
            self.env["crm.lead2opportunity.partner"]
            .with_user(self.salesperson)
            .with_context(active_model="crm.lead", active_id=lead.id, active_ids=lead.ids)
            .create({"name": "convert", "action": "exist", "partner_id": customer.id})
        )
        wizard.user_id = self.salesperson
        wizard.action_apply()
        self.assertEqual(lead.type, "opportunity")
        self.assertEqual(customer.crm_pool_state, "owned")
        self.assertEqual(customer.user_id, self.salesperson)
        self.assertEqual(customer.lifecycle_stage_id, self.stages["qualified"])
        self.assertEqual(len(self._events(customer, "claim")), 1)

    def test_manager_mass_converts_pool_customers_for_the_assigned_salespeople(self):
        customers = self.make_customer("Mass One") | self.make_customer("Mass Two")
        customers |= self.make_customer("Mass Three")
        leads = self.env["crm.lead"].create(
            [
                {"name": f"Inquiry {customer.name}", "type": "lead", "partner_id": customer.id}
                for customer in customers
            ]
        )
        wizard = (
            self.env["crm.lead2opportunity.partner.mass"]
            .with_user(self.sales_manager)
            .with_context(active_model="crm.lead", active_ids=leads.ids)
            .create(
                {
                    "name": "convert",
                    "action": "nothing",
                    "deduplicate": False,
                    "user_ids": [(6, 0, (self.salesperson | self.colleague).ids)],
                    "force_assignment": True,
                }
            )
        )
        wizard.action_mass_convert()
        self.assertEqual(set(leads.mapped("type")), {"opportunity"})
        for lead in leads:
            customer = lead.partner_id
            # the customer follows the salesperson the opportunity was finally given to, once
            self.assertEqual(customer.user_id, lead.user_id, customer.name)
            self.assertEqual(customer.crm_pool_state, "owned")
            self.assertEqual(customer.lifecycle_stage_id, self.stages["qualified"])
        self.assertEqual(leads.user_id, self.salesperson | self.colleague)
        self.assertEqual(len(self._events(customers, "assign")), 3)
        self.assertFalse(self._events(customers, "claim"))

    def test_lead_written_outside_a_conversion_still_claims_at_once(self):
        customer = self.make_customer("Direct Pool Co")
        lead = (
            self.env["crm.lead"]
            .with_user(self.salesperson)
            .create({"name": "Direct", "type": "lead", "partner_id": customer.id})
        )
        self.assertEqual(customer.crm_pool_state, "pool")
        lead.type = "opportunity"
        self.assertEqual(customer.user_id, self.salesperson)
        self.assertEqual(customer.lifecycle_stage_id, self.stages["qualified"])
