from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from odoo.addons.crm_lifecycle.tests.common import CrmSuiteCase


@tagged("post_install", "-at_install")
class TestValueScreensRecompute(CrmSuiteCase):
    """End to end: posted invoices, the engine's recompute, then what the screens read (the
    partners' company-dependent copies, the map bands, the Pareto percentile, the explanation)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.company = env["res.company"].create(
            {"name": "Screens Invoicing Co", "currency_id": env.ref("base.USD").id}
        )
        env.user.company_ids = [Command.link(cls.company.id)]
        env["account.chart.template"].try_loading("generic_coa", cls.company, install_demo=False)
        cls.sales_manager.company_ids = [Command.link(cls.company.id)]
        cls.product = env["product.product"].create(
            {"name": "Screens Widget", "type": "consu", "taxes_id": False}
        )
        stage = env.ref("crm_lifecycle.stage_customer")
        cls.big, cls.mid, cls.small = env["res.partner"].create(
            [
                {
                    "name": name,
                    "is_company": True,
                    "lifecycle_stage_id": stage.id,
                    "user_id": cls.sales_manager.id,
                }
                for name in ("Screens Big Ltd", "Screens Mid Ltd", "Screens Small Ltd")
            ]
        )
        company_env = env(context=dict(env.context, allowed_company_ids=cls.company.ids))
        moves = company_env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_date": day,
                    "date": day,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": cls.product.id,
                                "quantity": qty,
                                "price_unit": price,
                                "tax_ids": [],
                            }
                        )
                    ],
                }
                for partner, day, qty, price in (
                    (cls.big, "2026-05-01", 10, 100.0),
                    (cls.mid, "2026-04-01", 2, 100.0),
                    (cls.small, "2026-03-01", 1, 10.0),
                )
            ]
        )
        moves.action_post()
        with freeze_time("2026-06-30 10:00:00"):
            cls.env["crm.value.score"].with_user(cls.sales_manager).with_context(
                allowed_company_ids=cls.company.ids
            )._recompute()

    def test_recompute_fills_what_the_screens_read(self):
        manager = self.sales_manager
        Score = self.env["crm.value.score"].with_user(manager).with_company(self.company)
        scores = {s.partner_id: s for s in Score.search([("company_id", "=", self.company.id)])}
        self.assertEqual(set(scores), {self.big, self.mid, self.small})
        self.assertEqual([scores[p].abc_class for p in (self.big, self.mid, self.small)], ["A", "B", "C"])
        self.assertEqual(
            [scores[p].pareto_percentile for p in (self.big, self.mid, self.small)], [34, 67, 100]
        )
        partners = (self.big | self.mid | self.small).with_user(manager).with_company(self.company)
        for partner in partners:
            score = scores[partner]
            with self.subTest(partner=partner.name):
                self.assertEqual(partner.crm_value_abc_class, score.abc_class)
                self.assertEqual(partner.crm_value_churn_state, score.churn_state)
                self.assertEqual(partner.crm_value_rfm_segment_id, score.rfm_segment)
                self.assertAlmostEqual(
                    partner.crm_value_development_index, score.development_index or 0.0, places=1
                )
                self.assertEqual(partner.crm_value_score_id, score)
                self.assertIn("o_crm_value_explanation", partner.crm_value_score_explanation_html)
        class_a = partners.search([("id", "in", partners.ids), ("crm_value_abc_class", "=", "A")])
        self.assertEqual(class_a, self.big)
        # a second run changes nothing: no partner written again
        self.assertEqual(self.env["crm.value.score"]._crm_value_sync_partners(self.company), 0)
