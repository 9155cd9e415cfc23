from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import CrmSuiteCase


class CostGuardCase(CrmSuiteCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.salesperson.company_id
        Product = cls.env["product.product"]
        cls.product_costed = Product.create(
            {"name": "Guard Costed Chair", "list_price": 100.0, "standard_price": 60.0, "type": "consu"}
        )
        cls.product_no_cost = Product.create(
            {"name": "Guard Uncosted Desk", "list_price": 250.0, "standard_price": 0.0, "type": "consu"}
        )
        cls.product_thin_margin = Product.create(
            {"name": "Guard Thin Lamp", "list_price": 100.0, "standard_price": 90.0, "type": "consu"}
        )
        cls.product_fee = Product.create(
            {
                "name": "Guard Handling Fee",
                "list_price": 15.0,
                "standard_price": 0.0,
                "type": "service",
                "crm_no_cost_needed": True,
            }
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Guard Customer Ltd", "is_company": True, "user_id": cls.salesperson.id}
        )
        # prices in the company's currency, as the costs: the database's default pricelist may be
        # in another one (made before a localisation changed the company's currency), and the
        # margins of the orders would then depend on the exchange rates
        cls.pricelist = cls.env["product.pricelist"].create(
            {"name": "Guard Prices", "currency_id": cls.company.currency_id.id, "company_id": cls.company.id}
        )

    def make_order(self, *line_specs):
        """A quotation of the salesperson; a line spec is a product or a (display_type, name) pair."""
        lines = []
        for spec in line_specs:
            if isinstance(spec, tuple):
                lines.append(Command.create({"display_type": spec[0], "name": spec[1]}))
            else:
                lines.append(Command.create({"product_id": spec.id, "product_uom_qty": 3}))
        return self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "user_id": self.salesperson.id,
                "pricelist_id": self.pricelist.id,
                "order_line": lines,
            }
        )

    def enable_guard(self, min_margin=0.0):
        self.company.write({"crm_cost_guard": True, "crm_cost_guard_min_margin": min_margin})

    def override_notes(self, order):
        return order.message_ids.filtered(lambda message: "overrode the quotation cost guard" in message.body)


@tagged("post_install", "-at_install")
class TestCostGuard(CostGuardCase):
    def test_guard_off_by_default(self):
        self.assertFalse(self.env["res.company"].create({"name": "Guard New Company"}).crm_cost_guard)
        self.assertFalse(self.company.crm_cost_guard)
        order = self.make_order(self.product_costed, self.product_no_cost)
        action = order.with_user(self.salesperson).action_quotation_send()
        self.assertEqual(action["res_model"], "mail.compose.message")
        order.with_user(self.salesperson).action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertFalse(self.override_notes(order))

    def test_salesperson_cannot_confirm_line_without_cost(self):
        self.enable_guard()
        order = self.make_order(self.product_costed, self.product_no_cost)
        with self.assertRaises(UserError) as refusal:
            order.with_user(self.salesperson).action_confirm()
        message = str(refusal.exception)
        self.assertIn(order.name, message)
        self.assertIn("cannot be confirmed", message)
        self.assertIn("Guard Uncosted Desk: quantity 3.00", message)
        self.assertIn("no internal cost", message)
        self.assertIn("margin 100.0%", message)
        self.assertIn("ask a sales manager", message)
        self.assertNotIn("Guard Costed Chair", message)
        self.assertEqual(order.state, "draft")

    def test_salesperson_cannot_send_line_without_cost(self):
        self.enable_guard()
        order = self.make_order(self.product_no_cost)
        with self.assertRaises(UserError) as refusal:
            order.with_user(self.salesperson).action_quotation_send()
        message = str(refusal.exception)
        self.assertIn(f"The quotation {order.name} cannot be sent", message)
        self.assertIn("Guard Uncosted Desk", message)
        self.assertEqual(order.state, "draft")

    def test_refusal_lists_every_order(self):
        self.enable_guard(min_margin=25.0)
        first, second = self.make_order(self.product_no_cost), self.make_order(self.product_thin_margin)
        with self.assertRaises(UserError) as refusal:
            (first | second).with_user(self.salesperson).action_confirm()
        message = str(refusal.exception)
        self.assertIn(first.name, message)
        self.assertIn(second.name, message)
        self.assertIn("Guard Thin Lamp", message)

    def test_costed_lines_go_through(self):
        self.enable_guard(min_margin=20.0)
        order = self.make_order(self.product_costed)
        order.with_user(self.salesperson).action_quotation_send()
        order.with_user(self.salesperson).action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertFalse(self.override_notes(order))

    def test_sections_notes_and_no_cost_products_exempt(self):
        self.enable_guard()
        order = self.make_order(
            ("line_section", "Furniture"),
            self.product_costed,
            ("line_note", "Delivered assembled"),
            self.product_fee,
        )
        self.assertFalse(order._crm_cost_guard_offending_lines())
        order.with_user(self.salesperson).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_cost_set_on_the_line_is_accepted(self):
        """A salesperson who knows the cost may fill it on the line (sale_margin's Cost field)."""
        self.enable_guard()
        order = self.make_order(self.product_no_cost)
        self.assertEqual(order._crm_cost_guard_offending_lines(), order.order_line)
        order.order_line.with_user(self.salesperson).purchase_price = 120.0
        self.assertFalse(order._crm_cost_guard_offending_lines())
        order.with_user(self.salesperson).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_minimum_margin(self):
        order = self.make_order(self.product_costed, self.product_thin_margin)
        thin_line = order.order_line.filtered(lambda line: line.product_id == self.product_thin_margin)
        self.assertAlmostEqual(thin_line.margin_percent, 0.10)
        # without a minimum only missing costs count
        self.enable_guard()
        self.assertFalse(order._crm_cost_guard_offending_lines())
        self.enable_guard(min_margin=25.0)
        self.assertEqual(order._crm_cost_guard_offending_lines(), thin_line)
        with self.assertRaises(UserError) as refusal:
            order.with_user(self.salesperson).action_confirm()
        message = str(refusal.exception)
        self.assertIn("Guard Thin Lamp", message)
        self.assertIn("margin 10.0%", message)
        self.assertIn("below the minimum margin of 25.0%", message)
        self.assertNotIn("Guard Costed Chair", message)
        # exactly the minimum passes
        self.enable_guard(min_margin=10.0)
        order.with_user(self.salesperson).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_manager_override_logged_in_chatter(self):
        self.enable_guard(min_margin=25.0)
        order = self.make_order(self.product_costed, self.product_no_cost, self.product_thin_margin)
        action = order.with_user(self.sales_manager).action_quotation_send()
        self.assertEqual(action["res_model"], "mail.compose.message")
        notes = self.override_notes(order)
        self.assertEqual(len(notes), 1)
        self.assertIn("to send this quotation", notes.body)

        order.with_user(self.sales_manager).action_confirm()
        self.assertEqual(order.state, "sale")
        note = self.override_notes(order) - notes
        self.assertEqual(len(note), 1)
        self.assertIn("Mark Manager overrode the quotation cost guard to confirm this order", note.body)
        self.assertIn("Guard Uncosted Desk", note.body)
        self.assertIn("Guard Thin Lamp", note.body)
        self.assertNotIn("Guard Costed Chair", note.body)
        self.assertEqual(note.author_id, self.sales_manager.partner_id)
        self.assertEqual(note.subtype_id, self.env.ref("mail.mt_note"))

    def test_confirmed_order_resent_without_check(self):
        """Sending the confirmation of an order already confirmed is not a quotation any more."""
        order = self.make_order(self.product_no_cost)
        order.action_confirm()
        self.enable_guard()
        action = order.with_user(self.salesperson).action_quotation_send()
        self.assertEqual(action["res_model"], "mail.compose.message")

    def test_guard_of_the_order_company(self):
        other_company = self.env["res.company"].create(
            {"name": "Guard Other Company", "crm_cost_guard": True}
        )
        self.assertTrue(other_company.crm_cost_guard)
        order = self.make_order(self.product_no_cost)
        order.with_user(self.salesperson).action_confirm()
        self.assertEqual(order.state, "sale", "the guard of another company does not apply")


@tagged("post_install", "-at_install")
class TestCostGuardSettings(CostGuardCase):
    def test_settings_saved_by_administrator(self):
        company = self.assertSettingsBlock("crm_lifecycle_setting_container", "crm_cost_guard", True)
        self.assertTrue(company.crm_cost_guard)
        settings_model = self.env["res.config.settings"].with_user(self.administrator)
        with Form(settings_model) as settings:
            self.assertTrue(settings.crm_cost_guard)
            settings.crm_cost_guard_min_margin = 15.0
        settings_model.search([], order="id desc", limit=1).execute()
        self.assertEqual(company.crm_cost_guard_min_margin, 15.0)

    def test_minimum_margin_out_of_range_refused(self):
        with self.assertRaises(ValidationError):
            self.company.crm_cost_guard_min_margin = 120.0

    def test_no_cost_flag_on_product_form(self):
        with Form(self.env["product.template"].with_user(self.sales_manager)) as product:
            product.name = "Guard Delivery"
            product.type = "service"
            product.crm_no_cost_needed = True
        self.assertTrue(product.record.crm_no_cost_needed)
        self.assertTrue(product.record.product_variant_id.crm_no_cost_needed)
