from datetime import date

from odoo import Command
from odoo.tests import new_test_user

from odoo.addons.crm_lifecycle.tests.common import CrmSuiteCase

AS_OF = date(2026, 6, 30)


def create_company_with_salesperson(env, company_name, login, user_name):
    """Another company and a salesperson who works in it only: (company, user), for the
    multi-company rules (what one company's salespeople see of another's records)."""
    company = env["res.company"].create({"name": company_name})
    salesperson = new_test_user(
        env,
        login=login,
        name=user_name,
        groups="sales_team.group_sale_salesman",
        company_id=company.id,
        company_ids=[Command.set(company.ids)],
    )
    return company, salesperson


class CrmValueEngineCase(CrmSuiteCase):
    """Two fresh companies (USD, generic chart) with hand-made posted invoices.

    Company 1, as of 2026-06-30 (period: 2025-07-01..2026-06-30, previous period:
    2024-07-01..2025-06-30, history: 2023-07-01..2026-06-30). P1 (category X) costs 40,
    P2 (category Y) costs 10 (standard price of company 1; 20 and 5 in company 2).

    - Alpha: 2025-03-01 5 x P1 @100; 2026-03-01 10 x P1 @100 reversed in part by a credit note
      of 2026-03-20 (2 x P1 @100); 2026-05-01 10 x P2 @50.
    - Beta: 2026-06-01 5 x P1 @100, invoiced to its contact Bob.
    - Gamma: 2026-04-15 10 x P2 @100 EUR (1 USD = 2 EUR), from a sale line costing 30 EUR.
    - Delta: 2026-02-01 1 x P1 @30 with 45 of cost of goods sold booked (a loss).
    - Epsilon: 1 x P2 @100 on 2023-09-01, 2023-10-01, 2023-11-01 and 2026-06-20 (reactivated).
    - Zeta and Eta: 2026-06-01 2 x P2 @50 each (ties).
    - Theta: 2024-01-15 1 x P2 @100 (one-time buyer, long ago).

    Company 2: Alpha 2026-06-10 1 x P1 @70.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.usd = env.ref("base.USD")
        cls.eur = env.ref("base.EUR")
        cls.eur.active = True
        cls.company1 = cls._create_value_company("Value Co One")
        cls.company2 = cls._create_value_company("Value Co Two")
        env["res.currency.rate"].create(
            [
                {"name": "2020-01-01", "rate": 2.0, "currency_id": cls.eur.id, "company_id": company.id}
                for company in cls.company1 | cls.company2
            ]
        )
        for user, companies in (
            (cls.salesperson, cls.company1),
            (cls.sales_manager, cls.company1 | cls.company2),
        ):
            user.company_ids = [Command.link(company.id) for company in companies]
        categ = env["product.category"]
        cls.categ_x = categ.create({"name": "Category X"})
        cls.categ_y = categ.create({"name": "Category Y"})
        product = env["product.product"]
        cls.p1 = product.create(
            {"name": "P1", "categ_id": cls.categ_x.id, "type": "consu", "taxes_id": False}
        )
        cls.p2 = product.create(
            {"name": "P2", "categ_id": cls.categ_y.id, "type": "consu", "taxes_id": False}
        )
        cls.p1.with_company(cls.company1).standard_price = 40.0
        cls.p2.with_company(cls.company1).standard_price = 10.0
        cls.p1.with_company(cls.company2).standard_price = 20.0
        cls.p2.with_company(cls.company2).standard_price = 5.0

        stage = env.ref("crm_lifecycle.stage_customer")
        names = ["Alpha", "Beta", "Gamma", "Delta", "Epsilon", "Zeta", "Eta", "Theta"]
        partners = env["res.partner"].create(
            [
                {
                    "name": f"{name} Ltd",
                    "is_company": True,
                    "lifecycle_stage_id": stage.id,
                    "user_id": (cls.salesperson if name == "Alpha" else cls.sales_manager).id,
                }
                for name in names
            ]
        )
        cls.partners = dict(zip([name.lower() for name in names], partners, strict=True))
        cls.bob = env["res.partner"].create({"name": "Bob", "parent_id": cls.partners["beta"].id})

        c1 = cls.company1
        alpha, beta = cls.partners["alpha"], cls.partners["beta"]
        cls._invoice(c1, alpha, "2025-03-01", [(cls.p1, 5, 100)])
        alpha_march = cls._invoice(c1, alpha, "2026-03-01", [(cls.p1, 10, 100)])
        cls.alpha_refund = cls._invoice(
            c1, alpha, "2026-03-20", [(cls.p1, 2, 100)], move_type="out_refund", reversed_entry=alpha_march
        )
        cls._invoice(c1, alpha, "2026-05-01", [(cls.p2, 10, 50)])
        cls._invoice(c1, cls.bob, "2026-06-01", [(cls.p1, 5, 100)])
        cls._gamma_invoice(c1)
        cls._invoice(c1, cls.partners["delta"], "2026-02-01", [(cls.p1, 1, 30)], cogs=45.0)
        for day in ("2023-09-01", "2023-10-01", "2023-11-01", "2026-06-20"):
            cls._invoice(c1, cls.partners["epsilon"], day, [(cls.p2, 1, 100)])
        cls._invoice(c1, cls.partners["zeta"], "2026-06-01", [(cls.p2, 2, 50)])
        cls._invoice(c1, cls.partners["eta"], "2026-06-01", [(cls.p2, 2, 50)])
        cls._invoice(c1, cls.partners["theta"], "2024-01-15", [(cls.p2, 1, 100)])
        cls._invoice(cls.company2, alpha, "2026-06-10", [(cls.p1, 1, 70)])
        cls.beta = beta

    @classmethod
    def _create_value_company(cls, name):
        company = cls.env["res.company"].create({"name": name, "currency_id": cls.env.ref("base.USD").id})
        cls.env.user.company_ids = [Command.link(company.id)]
        cls.env["account.chart.template"].try_loading("generic_coa", company, install_demo=False)
        return company

    @classmethod
    def _invoice(
        cls,
        company,
        partner,
        day,
        lines,
        move_type="out_invoice",
        reversed_entry=None,
        currency=None,
        cogs=None,
        sale_lines=None,
    ):
        env = cls.env(context=dict(cls.env.context, allowed_company_ids=[company.id]))
        move = env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": partner.id,
                "invoice_date": day,
                "date": day,
                "currency_id": (currency or company.currency_id).id,
                "reversed_entry_id": reversed_entry.id if reversed_entry else False,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "quantity": quantity,
                            "price_unit": price,
                            "tax_ids": [Command.clear()],
                            "sale_line_ids": [Command.set(sale_lines.ids)] if sale_lines else [],
                        }
                    )
                    for product, quantity, price in lines
                ],
            }
        )
        if cogs:
            cls._add_cogs(move, lines[0][0], lines[0][1], cogs)
        move.action_post()
        return move

    @classmethod
    def _add_cogs(cls, move, product, quantity, amount):
        """The two anglo-saxon lines stock_account books on posting (stock output / expense)."""
        accounts = cls.env["account.account"].with_company(move.company_id)
        expense = accounts.search(
            [("company_ids", "in", move.company_id.id), ("account_type", "=", "expense_direct_cost")], limit=1
        )
        interim = accounts.search(
            [("company_ids", "in", move.company_id.id), ("account_type", "=", "asset_current")], limit=1
        )
        common = {
            "move_id": move.id,
            "display_type": "cogs",
            "product_id": product.id,
            "quantity": quantity,
            "partner_id": move.commercial_partner_id.id,
            "name": product.name,
        }
        cls.env["account.move.line"].with_company(move.company_id).create(
            [
                dict(
                    common, account_id=interim.id, balance=-amount, amount_currency=-amount, price_unit=amount
                ),
                dict(
                    common, account_id=expense.id, balance=amount, amount_currency=amount, price_unit=-amount
                ),
            ]
        )

    @classmethod
    def _gamma_invoice(cls, company):
        env = cls.env(context=dict(cls.env.context, allowed_company_ids=[company.id]))
        pricelist = env["product.pricelist"].create(
            {"name": "EUR", "currency_id": cls.eur.id, "company_id": company.id}
        )
        order = env["sale.order"].create(
            {
                "partner_id": cls.partners["gamma"].id,
                "company_id": company.id,
                "pricelist_id": pricelist.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": cls.p2.id,
                            "product_uom_qty": 10,
                            "price_unit": 100,
                            "tax_id": [Command.clear()],
                        }
                    )
                ],
            }
        )
        order.order_line.purchase_price = 30.0
        cls.gamma_order = order
        return cls._invoice(
            company,
            cls.partners["gamma"],
            "2026-04-15",
            [(cls.p2, 10, 100)],
            currency=cls.eur,
            sale_lines=order.order_line,
        )

    def _scores(self, company, env=None):
        env = env or self.env
        scores = env["crm.value.score"].search([("company_id", "=", company.id)])
        return {score.partner_id: score for score in scores}
