import datetime

from freezegun import freeze_time

from odoo import Command

from .common import ServiceCase

CARE_TEST_DOMAIN = "[('ref', '=', 'care-test')]"


class CareCase(ServiceCase):
    """Customers of two salespeople with value scores, and a helper running the care cron on a day.

    The rules of the database (demo data has some) are archived: only the tests' rules run."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Rule = cls.env["crm.care.rule"]
        cls.Event = cls.env["crm.care.event"]
        cls.Rule.search([]).active = False
        cls.company = cls.env.company
        cls.customer_stage = cls.env.ref("crm_lifecycle.stage_customer")
        cls.other_salesperson = cls.salesperson.copy(
            {"login": "crm_salesperson_care_other", "name": "Olga Other Salesperson"}
        )
        Partner = cls.env["res.partner"]
        cls.alpha = Partner.create(
            {
                "name": "Alpha Care Ltd",
                "is_company": True,
                "email": "alpha@care.example.com",
                "ref": "care-test",
                "user_id": cls.salesperson.id,
                "service_rep_id": cls.rep.id,
                "lifecycle_stage_id": cls.customer_stage.id,
            }
        )
        cls.alpha_contact = Partner.create(
            {"name": "Anna Alpha", "parent_id": cls.alpha.id, "email": "anna@care.example.com"}
        )
        cls.beta = Partner.create(
            {
                "name": "Beta Care Ltd",
                "is_company": True,
                "email": "beta@care.example.com",
                "ref": "care-test",
                "user_id": cls.other_salesperson.id,
                "lifecycle_stage_id": cls.customer_stage.id,
            }
        )
        cls.outsider = Partner.create({"name": "Vendor Not In CRM", "is_company": True, "ref": "care-test"})
        Score = cls.env["crm.value.score"]
        cls.alpha_score = Score.create(
            {
                "partner_id": cls.alpha.id,
                "company_id": cls.company.id,
                "abc_class": "A",
                "churn_state": "active",
                "first_purchase_date": "2024-03-10",
                "last_purchase_date": "2026-01-15",
            }
        )
        cls.beta_score = Score.create(
            {
                "partner_id": cls.beta.id,
                "company_id": cls.company.id,
                "abc_class": "B",
                "churn_state": "active",
                "first_purchase_date": "2025-06-01",
                "last_purchase_date": "2025-11-20",
            }
        )
        # the outsider has a score too: it is not CRM-managed, so no rule touches it
        Score.create(
            {
                "partner_id": cls.outsider.id,
                "company_id": cls.company.id,
                "abc_class": "A",
                "churn_state": "dormant",
                "first_purchase_date": "2024-03-10",
            }
        )

    def make_rule(self, **vals):
        # the tests' customers only (a database with demo data has customers of its own)
        values = {
            "name": "Care rule",
            "trigger": "anniversary",
            "action": "activity",
            "quiet_days": 0,
            "partner_domain": CARE_TEST_DOMAIN,
        }
        values.update(vals)
        return self.Rule.with_user(self.service_manager).create(values)

    def run_cron(self, day):
        with freeze_time(day):
            self.Rule._cron_care()
        self.env.invalidate_all()

    def events(self, rules, partners=None):
        domain = [("rule_id", "in", rules.ids)]
        if partners is not None:
            domain.append(("partner_id", "in", partners.ids))
        return self.Event.search(domain, order="id")

    def keys(self, rules):
        return {(event.partner_id, event.period_key) for event in self.events(rules)}

    def close_case(self, partner, day):
        case = self.new_case(partner_id=partner.id)
        with freeze_time(day):
            case.with_user(self.agent).stage_id = self.stage["closed"]
        return case

    @staticmethod
    def date(text):
        return datetime.date.fromisoformat(text)

    def plan(self):
        return self.env["mail.activity.plan"].create(
            {
                "name": "Care plan",
                "res_model": "res.partner",
                "template_ids": [
                    Command.create(
                        {
                            "summary": "Call the customer",
                            "activity_type_id": self.env.ref("mail.mail_activity_data_call").id,
                            "responsible_type": "on_demand",
                            "delay_count": 2,
                            "delay_unit": "days",
                            "delay_from": "after_plan_date",
                        }
                    ),
                    Command.create(
                        {
                            "summary": "Send a gift",
                            "activity_type_id": self.env.ref("mail.mail_activity_data_todo").id,
                            "responsible_type": "other",
                            "responsible_id": self.service_manager.id,
                            "delay_count": 1,
                            "delay_unit": "weeks",
                            "delay_from": "after_plan_date",
                        }
                    ),
                ],
            }
        )
