from contextlib import contextmanager

from odoo import Command
from odoo.tests import new_test_user

from .common import CrmSuiteCase

# A Monday morning, far from midnight in every time zone the tests use.
T0 = "2025-03-03 09:00:00"


class PoolCase(CrmSuiteCase):
    """Salespeople in two teams, a company pool with small known limits and a pool scoped to
    one team, to test ownership, claims, releases and the ownership crons."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        salesman = "sales_team.group_sale_salesman"
        cls.colleague = new_test_user(
            cls.env, login="crm_pool_colleague", name="Colin Colleague", groups=salesman, tz="UTC"
        )
        cls.team_leader = new_test_user(
            cls.env, login="crm_pool_leader", name="Lena Leader", groups=salesman, tz="UTC"
        )
        cls.outsider = new_test_user(
            cls.env, login="crm_pool_outsider", name="Otto Outsider", groups=salesman, tz="UTC"
        )
        cls.salesperson.tz = "UTC"
        cls.team = cls.env["crm.team"].create(
            {
                "name": "Pool Team North",
                "user_id": cls.team_leader.id,
                "member_ids": [Command.set((cls.salesperson | cls.colleague).ids)],
            }
        )
        cls.other_team = cls.env["crm.team"].create(
            {"name": "Pool Team South", "member_ids": [Command.set(cls.outsider.ids)]}
        )
        Stage = cls.env["crm.lifecycle.stage"]
        cls.stages = {
            code: Stage._get_by_code(code)
            for code in ("pool", "qualified", "potential", "opportunity", "customer", "invalid")
        }
        limits = {
            "is_default": False,
            "max_owned": 3,
            "max_locked": 1,
            "max_claims_per_day": 2,
            "reclaim_cooldown_days": 5,
            "no_contact_days": 10,
            "no_opportunity_days": 0,
            "no_deal_days": 0,
            "protection_days": 0,
            "warn_days": 2,
            "followup_days": 7,
        }
        cls.pool = cls.env["crm.pool"].create(dict(limits, name="Test Company Pool"))
        cls.team_pool = cls.env["crm.pool"].create(
            dict(limits, name="North Team Pool", team_ids=[Command.set(cls.team.ids)])
        )
        cls.product = cls.env["product.product"].create(
            {"name": "Pool Widget", "list_price": 100.0, "standard_price": 60.0, "type": "consu"}
        )

    @classmethod
    def make_customer(cls, name, user=None, pool=None, **vals):
        """A followed company of ``pool`` (the test pool by default), owned by ``user`` or in
        the pool. Created by the system, as an import or a manager would."""
        values = {
            "name": name,
            "is_company": True,
            "lifecycle_stage_id": cls.stages["pool"].id,
            "crm_pool_id": (pool or cls.pool).id,
            "user_id": user.id if user else False,
        }
        values.update(vals)
        return cls.env["res.partner"].create(values)

    @classmethod
    def make_customers(cls, prefix, count, user=None, pool=None):
        Partner = cls.env["res.partner"]
        names = ("Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot", "Golf", "Hotel", "India")
        for name in names[:count]:
            Partner |= cls.make_customer(f"{prefix} {name} Trading", user=user, pool=pool)
        return Partner

    @contextmanager
    def assertRaisesText(self, exception, text):
        """``assertRaises`` (which rolls the failed operation back, as a request would) and the
        message holds ``text``."""
        with self.assertRaises(exception) as caught:
            yield caught
        self.assertIn(text, str(caught.exception))

    def events(self, partners, event_type=None):
        domain = [("partner_id", "in", partners.ids)]
        if event_type:
            domain.append(("event_type", "=", event_type))
        return self.env["crm.partner.event"].search(domain, order="id")

    def activities(self, partners, xmlid):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "in", partners.ids),
                ("activity_type_id", "=", self.env.ref(xmlid).id),
            ]
        )

    def claim(self, user, partners):
        return partners.with_user(user).action_crm_claim()

    def release(self, user, partners, reason="No budget this year."):
        return partners.with_user(user).action_crm_release(reason)
