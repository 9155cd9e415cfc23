from freezegun import freeze_time

from odoo import Command
from odoo.tests import Form, tagged

from .care_common import CareCase


@tagged("post_install", "-at_install")
class TestCareActions(CareCase):
    def test_activity_for_owner_with_script(self):
        script = self.env["crm.talk.script"].create(
            {"name": "Anniversary script", "body": "<p>Thank them for the year together.</p>"}
        )
        rule = self.make_rule(
            trigger="anniversary",
            script_id=script.id,
            note="<p>Offer the new catalogue.</p>",
            deadline_days=3,
        )
        self.run_cron("2026-06-01")
        event = self.events(rule)
        self.assertEqual(event.partner_id, self.beta)
        activity = event.activity_id
        self.assertEqual(activity.user_id, self.other_salesperson)
        self.assertEqual((activity.res_model, activity.res_id), ("res.partner", self.beta.id))
        self.assertEqual(activity.activity_type_id, self.env.ref("mail.mail_activity_data_call"))
        self.assertEqual(activity.date_deadline, self.date("2026-06-04"))
        self.assertIn("Thank them for the year together.", activity.note)
        self.assertIn("Offer the new catalogue.", activity.note)
        self.assertTrue(event.action_applied)
        self.assertEqual(event.state, "due")

    def test_activity_for_service_rep_falls_back_to_owner(self):
        rule = self.make_rule(trigger="anniversary", responsible="service_rep", catch_up_days=100)
        self.run_cron("2026-06-01")
        users = {event.partner_id: event.activity_id.user_id for event in self.events(rule)}
        self.assertEqual(users, {self.alpha: self.rep, self.beta: self.other_salesperson})

    def test_mail_template_queued(self):
        template = self.env["mail.template"].create(
            {
                "name": "Birthday",
                "model_id": self.env.ref("base.model_res_partner").id,
                "subject": "Happy birthday {{ object.name }}",
                "partner_to": "{{ object.id }}",
                "body_html": "<p>Happy birthday!</p>",
            }
        )
        rule = self.make_rule(trigger="birthday", action="mail_template", mail_template_id=template.id)
        self.alpha_contact.crm_birthday = "1990-06-01"
        self.run_cron("2026-06-01")
        event = self.events(rule)
        self.assertEqual(event.contact_id, self.alpha_contact)
        mail = self.env["mail.mail"].search([("subject", "=", "Happy birthday Anna Alpha")])
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.state, "outgoing")  # in the mail queue, sent by its cron
        self.assertEqual(mail.recipient_ids, self.alpha_contact)
        self.assertEqual(
            (event.state, event.done_date, event.action_applied), ("done", self.date("2026-06-01"), True)
        )

    def test_activity_plan_applied(self):
        plan = self.plan()
        rule = self.make_rule(trigger="anniversary", action="activity_plan", activity_plan_id=plan.id)
        self.run_cron("2026-06-01")
        event = self.events(rule)
        activities = self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", self.beta.id)], order="date_deadline"
        )
        self.assertEqual(
            [(a.summary, a.user_id, a.date_deadline) for a in activities],
            [
                ("Call the customer", self.other_salesperson, self.date("2026-06-03")),
                ("Send a gift", self.service_manager, self.date("2026-06-08")),
            ],
        )
        self.assertEqual(event.activity_id, activities[0])

    def test_done_with_outcome_by_owner(self):
        rule = self.make_rule(trigger="anniversary", catch_up_days=100)
        self.run_cron("2026-06-01")
        event = self.events(rule, self.alpha)
        activity = event.activity_id
        self.assertTrue(activity)
        with freeze_time("2026-06-02"):
            action = event.with_user(self.salesperson).action_open_done_wizard()
            wizard = Form(
                self.env["crm.care.event.done"].with_user(self.salesperson).with_context(**action["context"])
            )
            wizard.outcome = "upsell"
            wizard.save().action_confirm()
        self.assertEqual(
            (event.state, event.outcome, event.done_date, event.done_uid),
            ("done", "upsell", self.date("2026-06-02"), self.salesperson),
        )
        self.assertFalse(activity.exists() and activity.active)

    def test_activity_done_from_chatter_does_the_care(self):
        rule = self.make_rule(trigger="anniversary")
        self.run_cron("2026-06-01")
        event = self.events(rule)
        with freeze_time("2026-06-03"):
            event.activity_id.with_user(self.other_salesperson).action_feedback(feedback="Called them")
        self.assertEqual(
            (event.state, event.done_date, event.done_uid, event.outcome),
            ("done", self.date("2026-06-03"), self.other_salesperson, False),
        )

    def test_followed_amount_in_company_currency(self):
        rule = self.make_rule(trigger="anniversary", catch_up_days=100)
        self.run_cron("2026-06-01")
        event = self.events(rule, self.alpha)
        with freeze_time("2026-06-02"):
            event.with_user(self.salesperson).action_done("upsell")
        company_currency = self.env.company.currency_id
        foreign = (
            self.env.ref("base.EUR")
            if company_currency != self.env.ref("base.EUR")
            else self.env.ref("base.USD")
        )
        foreign.active = True
        # 1 unit of the company's currency is worth 2 of the foreign one on the order's day
        self.env["res.currency.rate"].create(
            [
                {"currency_id": company_currency.id, "name": "2026-06-01", "rate": 1.0},
                {"currency_id": foreign.id, "name": "2026-06-01", "rate": 2.0},
            ]
        )
        pricelist = self.env["product.pricelist"].create({"name": "Care foreign", "currency_id": foreign.id})
        product = self.env["product.product"].create({"name": "Care Gadget", "list_price": 10.0})
        with freeze_time("2026-06-20 10:00:00"):
            sale = self.env["sale.order"].create(
                {
                    "partner_id": self.alpha.id,
                    "pricelist_id": pricelist.id,
                    "order_line": [
                        Command.create({"product_id": product.id, "price_unit": 300.0, "tax_id": False})
                    ],
                }
            )
            sale.action_confirm()
        self.assertEqual((sale.currency_id, sale.amount_untaxed), (foreign, 300.0))
        self.env.invalidate_all()
        self.assertEqual((event.followed_order_count, event.followed_amount), (1, 150.0))

    def test_orders_that_followed(self):
        rule = self.make_rule(trigger="anniversary", catch_up_days=100)
        self.run_cron("2026-06-01")
        event = self.events(rule, self.alpha)
        with freeze_time("2026-06-02"):
            event.with_user(self.salesperson).action_done("new_need")
        product = self.env["product.product"].create({"name": "Care Widget", "list_price": 100.0})
        # orders in the company's currency (a company's database may price in another one: the
        # amounts are converted to the company's currency, see test_followed_amount_in_company_currency)
        pricelist = self.env["product.pricelist"].create(
            {"name": "Care company currency", "currency_id": self.env.company.currency_id.id}
        )

        def order(partner, day, price):
            with freeze_time(day):
                sale = self.env["sale.order"].create(
                    {
                        "partner_id": partner.id,
                        "pricelist_id": pricelist.id,
                        "order_line": [Command.create({"product_id": product.id, "price_unit": price})],
                    }
                )
                sale.action_confirm()
            return sale

        order(self.alpha_contact, "2026-06-20 10:00:00", 250.0)  # 18 days after: counts
        order(self.alpha, "2026-07-31 10:00:00", 100.0)  # 59 days after: counts
        order(self.alpha, "2026-08-15 10:00:00", 900.0)  # 74 days after: too late
        order(self.beta, "2026-06-20 10:00:00", 500.0)  # another customer
        quotation = self.env["sale.order"].create(
            {"partner_id": self.alpha.id, "order_line": [Command.create({"product_id": product.id})]}
        )
        self.assertEqual(quotation.state, "draft")  # not confirmed: does not count
        self.env.invalidate_all()
        self.assertEqual((event.followed_order_count, event.followed_amount), (2, 350.0))
        self.env.flush_all()
        report = self.env["crm.care.report"].search([("event_id", "=", event.id)])
        self.assertEqual((report.order_count, report.order_amount, report.done_count), (2, 350.0, 1))
        totals = self.env["crm.care.report"]._read_group(
            [("rule_id", "=", rule.id)], [], ["event_count:sum", "done_count:sum", "order_count:sum"]
        )
        self.assertEqual(totals, [(2, 1, 2)])
        self.assertEqual(event.done_date, self.date("2026-06-02"))
