# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The lifetime value written on the scores from real posted invoices (crm.value.clv.model)."""

from datetime import date, timedelta

import numpy as np
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL

from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT

AS_OF = date(2025, 6, 30)


def generated_history(customers=45, seed=6):
    """[(customer index, days before AS_OF, amount)], drawn from BG/NBD and Gamma-Gamma
    themselves with a fixed seed (purchase rate ~ Gamma(1.2, 1/80 per day), dropout after each
    purchase ~ Beta(0.6, 2.5), spend ~ Gamma(4, nu), nu ~ Gamma(6, 1/40)): 213 invoices,
    38 repeat buyers and 7 one-time buyers."""
    rng = np.random.default_rng(seed)
    history = []
    for index in range(customers):
        day = int(rng.integers(60, 900))
        rate = rng.gamma(1.2, 1 / 80.0)
        dropout = rng.beta(0.6, 2.5)
        nu = rng.gamma(6.0, 1 / 40.0)
        history.append((index, day, round(float(rng.gamma(4.0, 1 / nu)), 2)))
        while True:
            day -= max(1, int(np.ceil(rng.exponential(1 / rate))))
            if day < 0:
                break
            history.append((index, day, round(float(rng.gamma(4.0, 1 / nu)), 2)))
            if rng.random() < dropout:
                break
    return history


@tagged("post_install", "-at_install")
class TestClvApply(AccountTestInvoicingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, **DISABLED_MAIL_CONTEXT))
        cls.company_big = cls.setup_other_company(name="CLV Many Customers")["company"]
        cls.company_small = cls.setup_other_company(name="CLV Few Customers")["company"]
        companies = cls.company_big | cls.company_small | cls.env.company
        cls.manager = new_test_user(
            cls.env,
            login="clv_manager",
            groups="sales_team.group_sale_manager,account.group_account_invoice",
            company_id=cls.company_big.id,
            company_ids=companies.ids,
        )
        cls.salesman = new_test_user(
            cls.env,
            login="clv_salesman",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company_big.id,
            company_ids=companies.ids,
        )
        history = generated_history()
        cls.customers = cls.env["res.partner"].create(
            [{"name": f"CLV Customer {index:02d}"} for index in range(45)]
        )
        cls._invoice(cls.company_big, [(cls.customers[i], day, amount) for i, day, amount in history])
        cls.few = cls.env["res.partner"].create([{"name": f"CLV Small Customer {i}"} for i in range(4)])
        cls._invoice(
            cls.company_small,
            [
                (cls.few[0], 300, 100.0),
                (cls.few[0], 200, 120.0),
                (cls.few[0], 20, 90.0),
                (cls.few[1], 250, 300.0),
                (cls.few[1], 100, 280.0),
                (cls.few[2], 150, 50.0),
                (cls.few[3], 10, 75.0),
            ],
        )

    @classmethod
    def _invoice(cls, company, rows):
        """Posted customer invoices of one line each (no product, no tax: margin = revenue),
        oldest first."""
        rows = sorted(rows, key=lambda row: -row[1])
        moves = (
            cls.env["account.move"]
            .with_company(company)
            .create(
                [
                    {
                        "move_type": "out_invoice",
                        "partner_id": partner.id,
                        "invoice_date": AS_OF - timedelta(days=days_before),
                        "invoice_line_ids": [
                            Command.create(
                                {"name": "Service", "quantity": 1, "price_unit": amount, "tax_ids": []}
                            )
                        ],
                    }
                    for partner, days_before, amount in rows
                ]
            )
        )
        moves.action_post()
        return moves

    def _recompute(self, company):
        with freeze_time(AS_OF):
            self.env["crm.value.score"].with_user(self.manager).with_company(company)._recompute(
                full=True, companies=company
            )
        return (
            self.env["crm.value.clv.model"].with_user(self.manager).search([("company_id", "=", company.id)])
        )

    def _score_rows(self, company):
        self.env.cr.execute(
            SQL(
                """
            SELECT partner_id, purchase_count_total, p_alive, expected_purchases, clv
              FROM crm_value_score WHERE company_id = %s ORDER BY partner_id
            """,
                company.id,
            )
        )
        return self.env.cr.fetchall()

    def test_refused_with_few_repeat_buyers(self):
        model = self._recompute(self.company_small)
        self.assertEqual(len(model), 1)
        self.assertEqual(model.state, "refused")
        self.assertEqual((model.customer_count, model.repeat_customer_count), (4, 2))
        self.assertIn("2 customers bought more than once", model.message)
        self.assertIn("at least 30 are needed", model.message)
        rows = self._score_rows(self.company_small)
        self.assertEqual(len(rows), 4)
        for _partner, _count, p_alive, expected, clv in rows:
            self.assertEqual((p_alive, expected, clv), (None, None, None))

    def test_fitted_on_generated_history(self):
        model = self._recompute(self.company_big)
        self.assertEqual(model.state, "fitted", model.message)
        self.assertTrue(model.bgnbd_converged and model.gg_converged)
        self.assertEqual((model.customer_count, model.repeat_customer_count), (45, 38))
        self.assertGreater(model.gg_q, 1)
        for name in ("bgnbd_r", "bgnbd_alpha", "bgnbd_a", "bgnbd_b", "gg_p", "gg_v"):
            self.assertGreater(model[name], 0, name)
        self.assertEqual(model.time_unit_days, 7)
        self.assertEqual(model.holdout_days, 182)
        self.assertTrue(model.holdout_customer_count > 0 and model.holdout_actual > 0)
        self.assertGreaterEqual(model.holdout_error, 0)
        rows = self._score_rows(self.company_big)
        self.assertEqual(len(rows), 45)
        one_time = [row for row in rows if row[1] == 1]
        self.assertEqual(len(one_time), 7)
        for _partner, count, p_alive, expected, clv in rows:
            self.assertIsNotNone(p_alive, "every customer, one-time buyers included")
            self.assertTrue(0.0 <= p_alive <= 1.0)
            self.assertGreaterEqual(expected, 0.0)
            self.assertIsNotNone(clv)
            if count == 1:
                self.assertEqual(p_alive, 1.0, "BG/NBD: no repeat purchase, no chance to drop out yet")
        # a refit archives the previous model of the company
        refit = self.env["crm.value.clv.model"].browse(model.id).with_user(self.manager).action_fit_now()
        current = (
            self.env["crm.value.clv.model"]
            .with_user(self.manager)
            .search([("company_id", "=", self.company_big.id)])
        )
        self.assertEqual(len(current), 1)
        self.assertEqual(current.id, refit["res_id"])
        self.assertNotEqual(current, model)
        self.assertFalse(model.active)
        self.assertAlmostEqual(current.bgnbd_r, model.bgnbd_r, places=4)

    def test_managers_only(self):
        model = self._recompute(self.company_small)
        with self.assertRaises(AccessError):
            self.env["crm.value.clv.model"].with_user(self.salesman).search([]).read(["gg_q"])
        with self.assertRaises(AccessError):
            model.with_user(self.salesman).read(["message"])
        with self.assertRaises(AccessError):
            model.with_user(self.salesman).action_fit_now()
        self.assertEqual(model.with_user(self.manager).read(["state"])[0]["state"], "refused")

    def test_other_companies_models_hidden(self):
        """A manager of the big company only does not see the small company's model."""
        self._recompute(self.company_small)
        self._recompute(self.company_big)
        manager_big = new_test_user(
            self.env,
            login="clv_manager_big",
            groups="sales_team.group_sale_manager",
            company_id=self.company_big.id,
            company_ids=self.company_big.ids,
        )
        models = self.env["crm.value.clv.model"].with_user(manager_big).search([])
        self.assertEqual(models.company_id, self.company_big)
