from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import CrmSuiteCase


class LifecycleCase(CrmSuiteCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Stage = cls.env["crm.lifecycle.stage"]
        cls.stages = {
            code: Stage._get_by_code(code)
            for code in ("pool", "qualified", "potential", "opportunity", "customer", "invalid")
        }
        cls.product = cls.env["product.product"].create(
            {"name": "Lifecycle Widget", "list_price": 100.0, "standard_price": 60.0, "type": "consu"}
        )
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Lifecycle Test Ltd",
                "is_company": True,
                "user_id": cls.salesperson.id,
                "lifecycle_stage_id": cls.stages["pool"].id,
            }
        )

    def stage_events(self, partner):
        return self.env["crm.partner.event"].search(
            [("partner_id", "=", partner.id), ("event_type", "=", "stage")], order="id"
        )

    def make_order(self, partner, user=None):
        return (
            self.env["sale.order"]
            .with_user(user or self.salesperson)
            .create(
                {
                    "partner_id": partner.id,
                    "order_line": [Command.create({"product_id": self.product.id, "product_uom_qty": 1})],
                }
            )
        )


@tagged("post_install", "-at_install")
class TestManualMoves(LifecycleCase):
    def test_salesperson_moves_own_customer_forward(self):
        customer = self.customer.with_user(self.salesperson)
        customer.lifecycle_stage_id = self.stages["qualified"]
        self.assertEqual(self.customer.lifecycle_stage_id, self.stages["qualified"])
        event = self.stage_events(self.customer)[-1]
        self.assertEqual(event.from_stage_id, self.stages["pool"])
        self.assertEqual(event.to_stage_id, self.stages["qualified"])
        self.assertEqual(event.user_id, self.salesperson)
        self.assertEqual(event.trigger, "manual")
        self.assertTrue(self.customer.lifecycle_stage_date)

    def test_salesperson_cannot_move_back_or_to_invalid(self):
        self.customer.lifecycle_stage_id = self.stages["opportunity"]
        customer = self.customer.with_user(self.salesperson)
        with self.assertRaisesRegex(AccessError, "Only a sales manager"):
            customer.lifecycle_stage_id = self.stages["qualified"]
        with self.assertRaisesRegex(AccessError, "Only a sales manager"):
            customer.lifecycle_stage_id = self.stages["invalid"]
        self.assertEqual(self.customer.lifecycle_stage_id, self.stages["opportunity"])

    def test_manager_moves_back_only_with_reason(self):
        self.customer.lifecycle_stage_id = self.stages["opportunity"]
        with self.assertRaisesRegex(UserError, "needs a reason"):
            self.customer.with_user(self.sales_manager).lifecycle_stage_id = self.stages["qualified"]
        action = self.customer.with_user(self.sales_manager).action_crm_change_stage()
        wizard = Form(
            self.env[action["res_model"]].with_user(self.sales_manager).with_context(**action["context"])
        )
        wizard.stage_id = self.stages["qualified"]
        wizard.reason = "The buyer left the company"
        wizard.save().action_apply()
        self.assertEqual(self.customer.lifecycle_stage_id, self.stages["qualified"])
        event = self.stage_events(self.customer)[-1]
        self.assertEqual(event.reason, "The buyer left the company")
        self.assertEqual(event.user_id, self.sales_manager)
        self.assertEqual(event.from_stage_id, self.stages["opportunity"])

    def test_change_stage_wizard_refused_to_salesperson(self):
        with self.assertRaises(AccessError):
            self.env["crm.lifecycle.stage.change"].with_user(self.salesperson).create(
                {"partner_ids": self.customer.ids, "stage_id": self.stages["invalid"].id, "reason": "spam"}
            )

    def test_followed_customer_keeps_a_stage(self):
        with self.assertRaisesRegex(UserError, "cannot lose its lifecycle stage"):
            self.customer.lifecycle_stage_id = False

    def test_contacts_follow_their_company(self):
        contact = self.env["res.partner"].create({"name": "Jane Buyer", "parent_id": self.customer.id})
        self.assertEqual(contact.lifecycle_stage_id, self.stages["pool"])
        self.customer.lifecycle_stage_id = self.stages["potential"]
        self.assertEqual(contact.lifecycle_stage_id, self.stages["potential"])
        self.assertFalse(self.stage_events(contact), "the timeline belongs to the company")

    def test_kanban_shows_every_stage(self):
        groups = (
            self.env["res.partner"]
            .with_user(self.salesperson)
            .web_read_group([("id", "=", self.customer.id)], ["lifecycle_stage_id"], ["lifecycle_stage_id"])[
                "groups"
            ]
        )
        shown = {group["lifecycle_stage_id"][0] for group in groups}
        all_stages = self.env["crm.lifecycle.stage"].search([])
        self.assertEqual(shown, set(all_stages.ids))

    def test_consultant_adds_and_renames_stages(self):
        stage = (
            self.env["crm.lifecycle.stage"]
            .with_user(self.sales_manager)
            .create({"name": "Negotiation", "code": "negotiation", "sequence": 45})
        )
        self.stages["potential"].with_user(self.sales_manager).name = "Warm"
        self.customer.lifecycle_stage_id = self.stages["opportunity"]
        self.customer.with_user(self.salesperson).lifecycle_stage_id = stage
        self.assertEqual(self.customer.lifecycle_stage_id, stage)
        with self.assertRaises(AccessError):
            self.env["crm.lifecycle.stage"].with_user(self.salesperson).create({"name": "X", "code": "x"})

    def test_events_are_read_only_for_users(self):
        with self.assertRaises(AccessError):
            self.env["crm.partner.event"].with_user(self.salesperson).create(
                {"partner_id": self.customer.id, "event_type": "stage", "trigger": "manual"}
            )
        events = (
            self.env["crm.partner.event"]
            .with_user(self.salesperson)
            .search([("partner_id", "=", self.customer.id)])
        )
        self.assertTrue(events)
        with self.assertRaises(AccessError):
            events.with_user(self.sales_manager).write({"reason": "rewritten history"})


@tagged("post_install", "-at_install")
class TestManagedPartners(LifecycleCase):
    def test_partner_from_crm_screens_is_managed(self):
        partner = (
            self.env["res.partner"]
            .with_user(self.salesperson)
            .with_context(res_partner_search_mode="customer")
            .create({"name": "New Prospect Sp. z o.o.", "is_company": True})
        )
        self.assertEqual(partner.lifecycle_stage_id, self.stages["pool"])
        self.assertEqual(self.stage_events(partner).to_stage_id, self.stages["pool"])

    def test_vendors_and_plain_contacts_stay_unmanaged(self):
        vendor = (
            self.env["res.partner"]
            .with_context(res_partner_search_mode="supplier")
            .create({"name": "Paper Supplier", "is_company": True})
        )
        plain = self.env["res.partner"].create({"name": "Plain Contact"})
        user = self.env["res.users"].create({"name": "New Colleague", "login": "new_colleague"})
        self.assertFalse(vendor.lifecycle_stage_id)
        self.assertFalse(plain.lifecycle_stage_id)
        self.assertFalse(user.partner_id.lifecycle_stage_id)
        self.assertFalse(self.env["crm.partner.event"].search([("partner_id", "in", (vendor + plain).ids)]))


@tagged("post_install", "-at_install")
class TestAutomaticMoves(LifecycleCase):
    def test_lead_qualifies_pool_partner(self):
        lead = (
            self.env["crm.lead"]
            .with_user(self.salesperson)
            .create({"name": "Needs 100 widgets", "partner_id": self.customer.id, "type": "opportunity"})
        )
        self.assertEqual(self.customer.lifecycle_stage_id, self.stages["qualified"])
        event = self.stage_events(self.customer)[-1]
        self.assertEqual(
            (event.trigger, event.document_model, event.document_id), ("lead", "crm.lead", lead.id)
        )
        self.assertEqual(lead.partner_lifecycle_stage_id, self.stages["qualified"])
        self.assertEqual(lead.partner_owner_id, self.salesperson)

    def test_potential_crm_stage_moves_partner(self):
        crm_stage = self.env["crm.stage"].create({"name": "Proposal", "is_potential": True, "sequence": 3})
        lead = (
            self.env["crm.lead"]
            .with_user(self.salesperson)
            .create({"name": "Big deal", "partner_id": self.customer.id, "type": "opportunity"})
        )
        lead.with_user(self.salesperson).stage_id = crm_stage
        self.assertEqual(self.customer.lifecycle_stage_id, self.stages["potential"])

    def test_quotation_then_order(self):
        order = self.make_order(self.customer)
        self.assertEqual(self.customer.lifecycle_stage_id, self.stages["opportunity"])
        self.assertEqual(self.stage_events(self.customer)[-1].trigger, "quotation")
        order.with_user(self.salesperson).action_confirm()
        self.assertEqual(self.customer.lifecycle_stage_id, self.stages["customer"])
        event = self.stage_events(self.customer)[-1]
        self.assertEqual((event.trigger, event.document_id), ("order", order.id))

    def test_posted_invoice_makes_customer(self):
        partner = self.env["res.partner"].create({"name": "Walk-in Buyer", "is_company": True})
        self.assertFalse(partner.lifecycle_stage_id)
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_line_ids": [Command.create({"product_id": self.product.id, "price_unit": 100})],
            }
        )
        self.assertFalse(partner.lifecycle_stage_id, "a draft invoice moves nothing")
        invoice.action_post()
        self.assertEqual(partner.lifecycle_stage_id, self.stages["customer"])
        self.assertEqual(self.stage_events(partner)[-1].trigger, "invoice")

    def test_vendor_bill_moves_nothing(self):
        vendor = self.env["res.partner"].create({"name": "Bill Vendor", "is_company": True})
        bill = self.env["account.move"].create(
            {
                "move_type": "in_invoice",
                "partner_id": vendor.id,
                "invoice_date": "2026-01-01",
                "invoice_line_ids": [Command.create({"product_id": self.product.id, "price_unit": 10})],
            }
        )
        bill.action_post()
        self.assertFalse(vendor.lifecycle_stage_id)

    def test_automatic_moves_never_go_back(self):
        self.make_order(self.customer).action_confirm()
        self.env["crm.lead"].with_user(self.salesperson).create(
            {"name": "Repeat business", "partner_id": self.customer.id}
        )
        self.make_order(self.customer)
        self.assertEqual(self.customer.lifecycle_stage_id, self.stages["customer"])

    def test_order_for_contact_moves_company(self):
        contact = self.env["res.partner"].create({"name": "Buyer Bob", "parent_id": self.customer.id})
        self.make_order(contact)
        self.assertEqual(self.customer.lifecycle_stage_id, self.stages["opportunity"])
        self.assertEqual(contact.lifecycle_stage_id, self.stages["opportunity"])

    def test_batch_of_orders_moves_each_customer_once(self):
        partners = self.env["res.partner"].create(
            [{"name": f"Batch Customer {i}", "is_company": True} for i in range(5)]
        )
        orders = self.env["sale.order"].create(
            [
                {
                    "partner_id": partner.id,
                    "order_line": [Command.create({"product_id": self.product.id})],
                }
                for partner in partners
                for _repeat in range(2)
            ]
        )
        self.assertEqual(set(partners.mapped("lifecycle_stage_id.code")), {"opportunity"})
        events = self.env["crm.partner.event"].search([("partner_id", "in", partners.ids)])
        self.assertEqual(len(events), 5)
        self.assertEqual(set(events.mapped("document_id")) <= set(orders.ids), True)

    def test_lost_invalid_lead_moves_to_invalid(self):
        reason = self.env["crm.lost.reason"].create({"name": "Fake company", "is_invalid_customer": True})
        lead = (
            self.env["crm.lead"]
            .with_user(self.salesperson)
            .create({"name": "Suspicious request", "partner_id": self.customer.id})
        )
        lead.with_user(self.salesperson).action_set_lost(lost_reason_id=reason.id)
        self.assertEqual(self.customer.lifecycle_stage_id, self.stages["invalid"])
        event = self.stage_events(self.customer)[-1]
        self.assertEqual((event.trigger, event.reason), ("lead", "Fake company"))

    def test_lost_invalid_lead_keeps_partner_with_other_open_business(self):
        reason = self.env["crm.lost.reason"].create({"name": "Fake company", "is_invalid_customer": True})
        plain_reason = self.env["crm.lost.reason"].create({"name": "Too expensive"})
        lead = self.env["crm.lead"].create({"name": "First", "partner_id": self.customer.id})
        other = self.env["crm.lead"].create({"name": "Second", "partner_id": self.customer.id})
        lead.action_set_lost(lost_reason_id=reason.id)
        self.assertEqual(self.customer.lifecycle_stage_id, self.stages["qualified"], "another lead is open")
        other.action_set_lost(lost_reason_id=plain_reason.id)
        self.assertEqual(
            self.customer.lifecycle_stage_id, self.stages["qualified"], "reason is not 'invalid'"
        )
        partner = self.env["res.partner"].create({"name": "Has Quote Ltd", "is_company": True})
        self.make_order(partner)
        third = self.env["crm.lead"].create({"name": "Third", "partner_id": partner.id})
        third.action_set_lost(lost_reason_id=reason.id)
        self.assertEqual(partner.lifecycle_stage_id, self.stages["opportunity"], "an open quotation")


@tagged("post_install", "-at_install")
class TestInstallHook(LifecycleCase):
    def test_existing_documents_give_stages(self):
        buyer, quoted, lead_only, idle = self.env["res.partner"].create(
            [
                {"name": name, "is_company": True}
                for name in ("Old Buyer", "Old Quote", "Old Lead", "Idle Vendor")
            ]
        )
        contact = self.env["res.partner"].create({"name": "Old Contact", "parent_id": buyer.id})
        self.make_order(buyer).action_confirm()
        self.make_order(quoted)
        self.env["crm.lead"].create({"name": "Old lead", "partner_id": lead_only.id})
        partners = buyer + quoted + lead_only + idle + contact
        # as if the addon was installed on this history
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE res_partner SET lifecycle_stage_id = NULL WHERE id = ANY(%s)", [partners.ids]
        )
        self.env.cr.execute("DELETE FROM crm_partner_event WHERE partner_id = ANY(%s)", [partners.ids])
        partners.invalidate_recordset()
        with self.assertQueryCount(__system__=6):
            self.env["crm.partner.event"]._set_initial_stages()
        self.assertEqual(buyer.lifecycle_stage_id, self.stages["customer"])
        self.assertEqual(contact.lifecycle_stage_id, self.stages["customer"])
        self.assertEqual(quoted.lifecycle_stage_id, self.stages["opportunity"])
        self.assertEqual(lead_only.lifecycle_stage_id, self.stages["qualified"])
        self.assertFalse(idle.lifecycle_stage_id)
        events = self.env["crm.partner.event"].search([("partner_id", "in", partners.ids)])
        self.assertEqual(sorted(events.partner_id.ids), sorted((buyer + quoted + lead_only).ids))
        self.assertEqual(set(events.mapped("trigger")), {"rule"})
        # a second run changes nothing
        self.env["crm.partner.event"]._set_initial_stages()
        self.assertEqual(self.env["crm.partner.event"].search_count([("partner_id", "in", partners.ids)]), 3)
