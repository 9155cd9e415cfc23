from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import CrmValueEngineCase
from .common_benefit import BenefitCase

AS_OF = "2025-06-30"


@tagged("post_install", "-at_install")
class TestBenefitIndex(BenefitCase):
    """Each component and the index, hand-computed over the 12 months to 30 June 2025."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.crm_value_period_months = 12
        cls.company.crm_value_benefit_discount_full = 20.0
        Partner = cls.env["res.partner"]
        cls.acme = Partner.create({"name": "Benefit Acme", "is_company": True})
        cls.acme_buyer = Partner.create({"name": "Bea Buyer", "parent_id": cls.acme.id})
        cls.late = Partner.create({"name": "Benefit Late Payer", "is_company": True})
        cls.thanks = Partner.create({"name": "Benefit Thankful", "is_company": True})
        cls.silent = Partner.create({"name": "Benefit Silent", "is_company": True})
        # Acme, through its contact: gross 1000 with 10% off (net 900), paid late
        inv1 = cls.invoice(cls.acme_buyer, "2025-01-10", [(10, 100.0, 10.0)], due="2025-02-09")
        cls.pay(inv1, "2025-03-01")
        # 1000 credited by 200 (reversed: out of the on-time count)
        inv2 = cls.invoice(cls.acme, "2025-03-01", [(1, 1000.0, 0.0)], due="2025-03-31")
        cls.invoice(cls.acme, "2025-03-15", [(1, 200.0, 0.0)], move_type="out_refund", reversed_entry=inv2)
        # 500 paid on time
        inv3 = cls.invoice(cls.acme, "2025-04-01", [(1, 500.0, 0.0)], due="2025-04-30")
        cls.pay(inv3, "2025-04-20")
        # before the period: counts nowhere (unpaid and overdue)
        cls.invoice(cls.acme, "2024-05-01", [(1, 700.0, 50.0)], due="2024-05-31")
        # after the as-of date: counts nowhere
        cls.invoice(cls.acme, "2025-07-02", [(1, 900.0, 50.0)], due="2025-07-31")
        # a benefit the customer confirmed: 300 against 900 + 1000 + 500 - 200 = 2200 revenue
        Benefit = cls.env["crm.value.benefit"]
        Benefit.create(
            {"name": "Scrap rate halved", "partner_id": cls.acme.id, "amount": 300.0, "date": "2025-05-01"}
        )
        # Late payer: one open invoice overdue at the as-of date, no discount
        cls.invoice(cls.late, "2025-05-01", [(2, 250.0, 0.0)], due="2025-05-31")
        # Thankful: a benefit but no invoice in the period
        Benefit.create(
            {"name": "Faster delivery", "partner_id": cls.thanks.id, "amount": 50.0, "date": "2025-02-01"}
        )
        # a benefit before the period counts nowhere
        Benefit.create(
            {"name": "Old story", "partner_id": cls.silent.id, "amount": 80.0, "date": "2024-06-30"}
        )
        cls.Score = cls.env["crm.value.score"]

    def component(self, method, partner_ids=None):
        return getattr(self.Score, method)(self.company, AS_OF, partner_ids)

    def test_discounts_and_credits_share_against_gross(self):
        values = self.component("_crm_value_benefit_discount")
        # (100 discount + 200 credited) / (1000 + 1000 + 500 gross) = 0.12; full score at 20%
        self.assertAlmostEqual(values[self.acme.id], 0.6, places=6)
        self.assertEqual(values[self.late.id], 0.0)
        self.assertNotIn(self.thanks.id, values)
        self.assertNotIn(self.acme_buyer.id, values, "contacts roll up to their commercial partner")

    def test_invoices_not_credited_share(self):
        values = self.component("_crm_value_benefit_not_credited")
        self.assertAlmostEqual(values[self.acme.id], 2 / 3, places=6)
        self.assertEqual(values[self.late.id], 1.0)
        self.assertNotIn(self.thanks.id, values)

    def test_confirmed_benefits_against_revenue(self):
        values = self.component("_crm_value_benefit_confirmed")
        self.assertAlmostEqual(values[self.acme.id], 300 / 2200, places=6)
        self.assertEqual(values[self.thanks.id], 1.0, "a benefit without revenue gives the full value")
        self.assertNotIn(self.late.id, values)
        self.assertNotIn(self.silent.id, values, "a benefit before the period is out of it")

    def test_on_time_payment_from_reconciliation(self):
        values = self.component("_crm_value_benefit_on_time")
        # inv1 paid after its due date, inv3 before; inv2 credited: out of the count
        self.assertEqual(values[self.acme.id], 0.5)
        # open and overdue on the as-of date: late
        self.assertEqual(values[self.late.id], 0.0)
        self.assertNotIn(self.thanks.id, values)
        # a month end before the late payment read as it was then: inv1 still open and overdue
        earlier = self.Score._crm_value_benefit_on_time(self.company, "2025-02-28", None)
        self.assertEqual(earlier[self.acme.id], 0.0)

    def test_index_is_weighted_mean_of_available_components(self):
        index = self.Score._crm_value_benefit_index(self.company, AS_OF)
        acme_index, acme_values = index[self.acme.id]
        self.assertEqual(set(acme_values), {"discount", "not_credited", "confirmed", "on_time"})
        self.assertEqual(acme_index, round(100 * (0.6 + 2 / 3 + 300 / 2200 + 0.5) / 4, 2))
        self.assertEqual(acme_index, 47.58)
        # the late payer has no confirmed benefit: left out, not counted as 0
        self.assertEqual(index[self.late.id], (33.33, {"discount": 0.0, "not_credited": 1.0, "on_time": 0.0}))
        self.assertEqual(index[self.thanks.id], (100.0, {"confirmed": 1.0}))
        self.assertNotIn(self.silent.id, index)

    def test_index_weights_and_partner_filter(self):
        self.company.write(
            {"crm_value_benefit_weight_confirmed": 0.0, "crm_value_benefit_weight_on_time": 2.0}
        )
        index = self.Score._crm_value_benefit_index(self.company, AS_OF, partner_ids=[self.acme.id])
        self.assertEqual(list(index), [self.acme.id])
        self.assertEqual(index[self.acme.id][0], round(100 * (0.6 + 2 / 3 + 2 * 0.5) / 4, 2))
        self.assertNotIn("confirmed", index[self.acme.id][1])

    def test_other_company_invoices_do_not_count(self):
        other = self.env["res.company"].create({"name": "Benefit Other Co"})
        self.assertEqual(self.Score._crm_value_benefit_index(other, AS_OF), {})

    def test_components_are_listed_with_translated_labels(self):
        components = self.Score._crm_value_benefit_components()
        # this addon's four first; addons installed with it append theirs (crm_service's service ones)
        keys = [c["key"] for c in components]
        self.assertEqual(keys[:4], ["discount", "not_credited", "confirmed", "on_time"])
        self.assertEqual(len(keys), len(set(keys)))
        for component in components:
            self.assertTrue(component["label"])
            self.assertTrue(hasattr(self.Score, component["method"]))

    def test_settings_refuse_negative_weights_and_bad_discount_reference(self):
        Company = self.env["res.company"]
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            Company.create({"name": "Negative Co", "crm_value_benefit_weight_discount": -1})
        with self.assertRaisesRegex(ValidationError, "at most 100"):
            Company.create({"name": "Zero Co", "crm_value_benefit_discount_full": 0})

    def test_settings_saved_by_administrator(self):
        company = self.assertSettingsBlock(
            "crm_value_benefit_setting_container", "crm_value_benefit_weight_on_time", 3.0
        )
        self.assertEqual(company.crm_value_benefit_weight_on_time, 3.0)


@tagged("post_install", "-at_install")
class TestBenefitIndexInRecompute(CrmValueEngineCase):
    """The recompute stores the benefit index and its components with the score (fixtures of
    CrmValueEngineCase: no discount, no payment, no benefit record)."""

    def test_benefit_index_stored_with_the_score(self):
        env = self.env(context=dict(self.env.context, allowed_company_ids=self.company1.ids))
        may_invoice = env["account.move"].search(
            [("partner_id", "=", self.partners["alpha"].id), ("invoice_date", "=", "2026-05-01")]
        )
        bank = env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", self.company1.id)], limit=1
        )
        env["account.payment.register"].with_context(
            active_model="account.move", active_ids=may_invoice.ids
        ).create({"payment_date": "2026-05-20", "journal_id": bank.id})._create_payments()
        with freeze_time("2026-06-30 12:00:00"):
            self.env["crm.value.score"]._recompute(companies=self.company1 | self.company2, full=True)
        alpha = self._scores(self.company1)[self.partners["alpha"]]
        # 200 credited of 1500 gross: past the 10% of a full score -> 1; one of its two invoices
        # credited -> 0.5; the 1 May invoice paid on 20 May, before its due date -> 1 (the
        # credited one is out of the on-time count)
        self.assertEqual(alpha.benefit_index, round(100 * 2.5 / 3, 2))
        self.assertEqual(
            alpha.inputs["benefit"]["components"], {"discount": 1.0, "not_credited": 0.5, "on_time": 1.0}
        )
        # company 2: its own invoice only, not due yet on 30 June (no on-time component)
        alpha_two = self._scores(self.company2)[self.partners["alpha"]]
        self.assertEqual(alpha_two.benefit_index, 50.0)
        self.assertEqual(alpha_two.inputs["benefit"]["components"], {"discount": 0.0, "not_credited": 1.0})
        # a customer without invoice in the period has no component: no index, not 0
        theta = self._scores(self.company1)[self.partners["theta"]]
        self.assertFalse(theta.benefit_index)
        self.assertEqual(theta.inputs["benefit"]["rule"], "no_component_with_data")
