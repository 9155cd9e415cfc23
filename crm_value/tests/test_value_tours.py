from datetime import date

from odoo import Command
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestValueTours(HttpCase):
    """The Value tab (salesperson), the Pareto screen and the churn dashboard (manager).

    crm.value.score and crm.value.snapshot are bookkeeping only the engine writes (SQL, as
    superuser); the tours' data creates those rows directly with sudo() to stand for a recompute."""

    def setUp(self):
        super().setUp()
        Users = self.env["res.users"].with_context(no_reset_password=True)
        self.salesperson = Users.create(
            {
                "name": "Value Tour Seller",
                "login": "value_tour_sales",
                "password": "value_tour_sales",
                "email": "value_tour_sales@example.com",
                "tz": "UTC",
                "groups_id": [Command.set(self.env.ref("sales_team.group_sale_salesman").ids)],
            }
        )
        self.manager = Users.create(
            {
                "name": "Value Tour Manager",
                "login": "value_tour_manager",
                "password": "value_tour_manager",
                "email": "value_tour_manager@example.com",
                "tz": "UTC",
                "groups_id": [Command.set(self.env.ref("sales_team.group_sale_manager").ids)],
            }
        )
        self.company = self.env.company
        self.Score = self.env["crm.value.score"].sudo()  # engine bookkeeping, see the docstring
        self.Snapshot = self.env["crm.value.snapshot"].sudo()  # engine bookkeeping, see the docstring

    def _customer(self, name, user):
        return self.env["res.partner"].create(
            {
                "name": name,
                "is_company": True,
                "lifecycle_stage_id": self.env.ref("crm_lifecycle.stage_customer").id,
                "user_id": user.id,
            }
        )

    def test_value_tab_as_salesperson(self):
        customer = self._customer("Tour Value Trading Ltd", self.salesperson)
        self.Score.create(
            {
                "partner_id": customer.id,
                "company_id": self.company.id,
                "abc_class": "A",
                "churn_state": "active",
                "revenue_period": 12000.0,
                "margin_period": 3000.0,
                "cumulative_share": 12.5,
                "development_index": 130.0,
            }
        )
        for month, revenue in ((1, 9000.0), (2, 10000.0), (3, 12000.0)):
            self.Snapshot.create(
                {
                    "partner_id": customer.id,
                    "company_id": self.company.id,
                    "date": date(2025, month, 28),
                    "revenue_period": revenue,
                    "abc_class": "A",
                }
            )
        self.Score._crm_value_sync_partners(self.company)

        self.start_tour("/odoo", "crm_value_tab_tour", login=self.salesperson.login)

    def test_pareto_as_manager(self):
        first = self._customer("Tour Pareto First Ltd", self.manager)
        second = self._customer("Tour Pareto Second Ltd", self.manager)
        self.Score.create(
            [
                {
                    "partner_id": first.id,
                    "company_id": self.company.id,
                    "abc_class": "A",
                    "margin_period": 8000.0,
                    "cumulative_share": 80.0,
                },
                {
                    "partner_id": second.id,
                    "company_id": self.company.id,
                    "abc_class": "C",
                    "margin_period": 2000.0,
                    "cumulative_share": 100.0,
                },
            ]
        )
        self.Score._crm_value_update_bands(self.company)

        self.start_tour("/odoo", "crm_value_pareto_tour", login=self.manager.login)

    def test_churn_dashboard_as_manager(self):
        customer = self._customer("Tour Churned Ltd", self.manager)
        self.Score.create(
            {
                "partner_id": customer.id,
                "company_id": self.company.id,
                "abc_class": "N",
                "churn_state": "lost",
            }
        )
        self.Snapshot.create(
            [
                {
                    "partner_id": customer.id,
                    "company_id": self.company.id,
                    "date": date(2025, 2, 28),
                    "churn_state": "at_risk",
                    "revenue_period": 800.0,
                },
                {
                    "partner_id": customer.id,
                    "company_id": self.company.id,
                    "date": date(2025, 3, 31),
                    "churn_state": "lost",
                    "revenue_period": 0.0,
                },
            ]
        )

        self.start_tour("/odoo", "crm_value_churn_tour", login=self.manager.login)
