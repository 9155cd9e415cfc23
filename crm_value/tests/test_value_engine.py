from datetime import date, timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import SQL

from .common import CrmValueEngineCase

NOW = "2026-06-30 10:00:00"


@tagged("post_install", "-at_install")
class TestCrmValueEngine(CrmValueEngineCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with freeze_time(NOW):
            cls.env["crm.value.score"].with_user(cls.sales_manager).with_context(
                allowed_company_ids=(cls.company1 | cls.company2).ids
            )._recompute()
        cls.scores = cls._scores_of(cls.company1)

    @classmethod
    def _scores_of(cls, company):
        scores = cls.env["crm.value.score"].search([("company_id", "=", company.id)])
        return {score.partner_id: score for score in scores}

    def score(self, name):
        return self.scores[self.partners[name]]

    # ------------------------------------------------------------------
    # purchase days and money
    # ------------------------------------------------------------------
    def test_purchase_days_net_credit_notes_on_the_reversed_invoice_date(self):
        score_model = self.env["crm.value.score"]
        score_model._crm_value_flush_sources()
        self.env.cr.execute(
            score_model._crm_value_purchase_days_sql(
                self.company1, None, None, partner_ids=[self.partners["alpha"].id]
            )
        )
        rows = {row["day"]: row for row in self.env.cr.dictfetchall()}
        self.assertEqual(sorted(rows), [date(2025, 3, 1), date(2026, 3, 1), date(2026, 5, 1)])
        march = rows[date(2026, 3, 1)]
        # 10 x 100 invoiced, 2 x 100 credited on 2026-03-20: netted on the invoice's day
        self.assertEqual(march["revenue"], 800.0)
        self.assertEqual(march["margin"], 480.0)  # cost at the standard price 40 x (10 - 2)
        self.assertTrue(march["is_purchase"])
        self.assertEqual(march["lines_standard"], 2)
        self.assertEqual(march["categ_ids"], [self.categ_x.id])
        alpha = self.score("alpha")
        self.assertEqual(alpha.revenue_period, 1300.0)
        self.assertEqual(alpha.margin_period, 880.0)
        self.assertEqual(alpha.purchase_count, 2)
        self.assertEqual(alpha.revenue_total, 1800.0)
        self.assertEqual(alpha.margin_total, 1180.0)
        self.assertEqual(alpha.purchase_count_total, 3)
        self.assertEqual(alpha.first_purchase_date, date(2025, 3, 1))
        self.assertEqual(alpha.last_purchase_date, date(2026, 5, 1))
        self.assertEqual(alpha.repeat_margin_avg, 440.0)  # (480 + 400) / 2
        self.assertEqual(alpha.as_of_date, date(2026, 6, 30))
        self.assertEqual(
            alpha.inputs["cost_sources"]["lines_standard"], 4
        )  # 3 invoice lines, 1 credit note line

    def test_foreign_currency_invoice_at_booked_rate_costed_from_sale_line(self):
        gamma = self.score("gamma")
        # 10 x 100 EUR at 2 EUR per USD; sale line cost 30 EUR x 10 at the same booked rate
        self.assertEqual(gamma.revenue_period, 500.0)
        self.assertEqual(gamma.margin_period, 350.0)
        self.assertEqual(gamma.inputs["cost_sources"]["lines_sale"], 1)
        self.assertEqual(gamma.inputs["cost_sources"]["estimated_share"], 0)

    def test_contact_invoice_rolled_up_to_its_company(self):
        beta = self.score("beta")
        self.assertEqual(beta.revenue_period, 500.0)
        self.assertEqual(beta.margin_period, 300.0)
        self.assertNotIn(self.bob, self.scores)

    def test_two_companies_kept_apart(self):
        other = self._scores_of(self.company2)
        self.assertEqual(list(other), [self.partners["alpha"]])
        alpha = other[self.partners["alpha"]]
        self.assertEqual(alpha.revenue_period, 70.0)
        self.assertEqual(alpha.margin_period, 50.0)  # standard price of company 2: 20
        self.assertEqual(alpha.abc_class, "A")
        self.assertEqual(alpha.cumulative_share, 100.0)
        self.assertEqual(alpha.churn_state, "new")
        self.assertEqual(alpha.expected_interval_days, 365.0)
        self.assertEqual(alpha.inputs["churn"]["interval_source"], "fallback")
        self.assertEqual(self.score("alpha").revenue_period, 1300.0)

    # ------------------------------------------------------------------
    # 80/20
    # ------------------------------------------------------------------
    def test_abc_classes_and_the_customer_crossing_80_percent(self):
        # positive period margins: Alpha 880, Gamma 350, Beta 300, Epsilon 90, Zeta 80, Eta 80 = 1,780
        expected = {
            "alpha": ("A", 49.4382),
            "gamma": ("A", 69.1011),
            "beta": ("A", 85.9551),
            "epsilon": ("B", 91.0112),
            "zeta": ("B", 95.5056),
            "eta": ("C", 100.0),
        }
        for name, (abc_class, share) in expected.items():
            score = self.score(name)
            self.assertEqual(score.abc_class, abc_class, name)
            self.assertAlmostEqual(score.cumulative_share, share, places=3, msg=name)
        beta = self.score("beta").inputs["abc"]
        # Beta crosses 80% (69.10% before it, 85.96% with it): still A
        self.assertEqual(beta["rule"], "share_before_below_a")
        self.assertAlmostEqual(beta["share_before"], 69.1011, places=3)
        self.assertEqual(beta["rank"], 3)
        self.assertEqual(beta["ranked_customers"], 6)
        self.assertEqual(beta["company_total"], 1780.0)
        self.assertEqual(beta["threshold_a"], 80.0)
        self.assertEqual(self.score("eta").inputs["abc"]["rule"], "share_before_from_b")

    def test_loss_making_customer_is_n_and_costed_from_cogs(self):
        delta = self.score("delta")
        self.assertEqual(delta.revenue_period, 30.0)
        self.assertEqual(delta.margin_period, -15.0)  # booked COGS 45, not the standard price 40
        self.assertEqual(delta.abc_class, "N")
        self.assertEqual(delta.inputs["abc"]["rule"], "value_not_positive")
        self.assertEqual(delta.inputs["cost_sources"]["lines_cogs"], 1)
        self.assertEqual(self.score("theta").abc_class, "N")  # nothing in the period

    def test_abc_basis_revenue_setting(self):
        self.company1.crm_value_abc_basis = "revenue"
        with freeze_time(NOW):
            self.env["crm.value.score"]._recompute(companies=self.company1, full=True)
        scores = self._scores_of(self.company1)
        # revenue: Alpha 1,300, Beta 500, Gamma 500, Epsilon/Zeta/Eta 100, Delta 30 = 2,630
        delta = scores[self.partners["delta"]]
        self.assertEqual(delta.abc_class, "C")
        self.assertEqual(delta.inputs["abc"]["basis"], "revenue")
        self.assertEqual(scores[self.partners["alpha"]].abc_class, "A")
        self.assertAlmostEqual(scores[self.partners["alpha"]].cumulative_share, 100 * 1300 / 2630, places=3)

    # ------------------------------------------------------------------
    # RFM
    # ------------------------------------------------------------------
    def test_rfm_quintiles_ties_share_a_score(self):
        expected = {  # (R, F, M, segment)
            "alpha": (2, 5, 5, "Can't Lose"),
            "beta": (3, 1, 4, "Potential"),
            "gamma": (2, 1, 4, "Hibernating"),
            "delta": (1, 1, 1, "Lost"),
            "epsilon": (5, 1, 3, "New"),
            "zeta": (3, 1, 2, "Potential"),
            "eta": (3, 1, 2, "Potential"),
            "theta": (1, 1, 1, "Lost"),
        }
        for name, (recency, frequency, monetary, segment) in expected.items():
            score = self.score(name)
            self.assertEqual(
                (score.rfm_recency, score.rfm_frequency, score.rfm_monetary, score.rfm_segment.name),
                (recency, frequency, monetary, segment),
                name,
            )
        rfm = self.score("zeta").inputs["rfm"]
        self.assertEqual(rfm["population"], 8)
        self.assertEqual(rfm["recency_days"], 29)
        self.assertEqual(rfm["recency_cuts"], [76, 29, 10, 10])
        self.assertEqual(rfm["frequency_cuts"], [2, 2, 2, 2])
        self.assertEqual(rfm["monetary_cuts"], [80.0, 90.0, 300.0, 880.0])

    def test_rfm_grid_is_editable(self):
        potential = self.env.ref("crm_value.rfm_segment_potential")
        potential.with_user(self.sales_manager).write({"name": "Promising"})
        with freeze_time(NOW):
            self.env["crm.value.score"]._recompute(companies=self.company1)
        self.assertEqual(self._scores_of(self.company1)[self.partners["zeta"]].rfm_segment.name, "Promising")

    # ------------------------------------------------------------------
    # development index, churn, service tier
    # ------------------------------------------------------------------
    def test_development_index_against_company_growth(self):
        alpha = self.score("alpha")
        # g = (cur - prev) / mean(|cur|, |prev|); company: revenue 2,630 vs 500, margin 1,765 vs 300,
        # purchases 8 vs 1, categories 2 vs 1; Alpha: 1,300 vs 500, 880 vs 300, 2 vs 1, 2 vs 1
        self.assertEqual(alpha.development_index, 75.1)
        metrics = alpha.inputs["development"]["metrics"]
        self.assertAlmostEqual(metrics["revenue"]["index"], 76.39, places=2)
        self.assertAlmostEqual(metrics["margin"]["index"], 78.21, places=2)
        self.assertAlmostEqual(metrics["purchases"]["index"], 55.56, places=2)
        self.assertEqual(metrics["categories"]["index"], 100.0)
        self.assertEqual(metrics["revenue"]["company_current"], 2630.0)
        self.assertEqual(
            alpha.inputs["development"]["weights"],
            {"revenue": 40.0, "margin": 30.0, "purchases": 20.0, "categories": 10.0},
        )
        self.assertEqual(self.score("beta").development_index, 132.6)
        self.assertEqual(self.score("delta").development_index, 93.9)  # margin index clamped at 0
        self.assertEqual(self.score("theta").development_index, 32.6)

    def test_churn_states(self):
        expected = {  # (state, expected interval, ratio)
            "alpha": ("active", 213.0, 0.282),
            "beta": ("new", 277.0, 0.105),
            "epsilon": ("reactivated", 341.0, 0.029),
            "theta": ("lost", 277.0, 3.238),
        }
        for name, (state, interval, ratio) in expected.items():
            score = self.score(name)
            self.assertEqual(score.churn_state, state, name)
            self.assertEqual(score.expected_interval_days, interval, name)
            self.assertEqual(score.inputs["churn"]["ratio"], ratio, name)
            # no churn signal here (a signal of another addon would raise new/active/reactivated)
            self.assertEqual(score.inputs["churn"]["signals"], [], name)
            self.assertEqual(score.inputs["churn"]["state_before_signals"], state, name)
        epsilon = self.score("epsilon").inputs["churn"]
        self.assertEqual(epsilon["previous_gap_days"], 962)
        self.assertEqual(epsilon["previous_gap_ratio"], 3.473)
        self.assertEqual(epsilon["rule"], "bought_again_after_dormant_gap")
        theta = self.score("theta")
        # one-time buyer: the company median of the repeat buyers' intervals (213 and 341)
        self.assertEqual(theta.inputs["churn"]["interval_source"], "company_median")
        self.assertEqual(theta.purchase_count_total, 1)
        self.assertFalse(theta.repeat_margin_avg)

    def test_service_tier_from_matrix(self):
        self.assertEqual(self.score("alpha").service_tier, "dedicated")
        self.assertEqual(self.score("epsilon").service_tier, "dedicated")  # B growing: 132.6 >= 120
        self.assertEqual(self.score("eta").service_tier, "tiered")
        self.assertEqual(self.score("delta").service_tier, "tiered")
        self.assertEqual(
            self.score("alpha").inputs["service_tier"]["rule_id"],
            self.env.ref("crm_value.service_tier_rule_a").id,
        )

    def test_explanation_in_words_escaped(self):
        self.env.ref("crm_value.rfm_segment_cant_lose").name = "<b>Keep</b>"
        html = str(self.score("alpha").explanation_html)
        self.assertIn("Class A: that share is under the class A threshold of 80.00%.", html)
        self.assertIn("Ranked 1 of 6 customers by period margin", html)
        self.assertIn("Segment &lt;b&gt;Keep&lt;/b&gt;: the first row of the RFM grid", html)
        self.assertIn("ratio 0.28", html)
        self.assertIn("Active: the ratio is under the at-risk threshold.", html)
        self.assertNotIn("<b>", html)

    # ------------------------------------------------------------------
    # runs
    # ------------------------------------------------------------------
    def _stale_last_run(self):
        """The invoices so far were created and written long before the company's last run, a
        minute ago (in a test, everything shares the transaction's time)."""
        self.env.cr.execute(
            SQL(
                "UPDATE account_move SET write_date = write_date - interval '1 day',"
                " create_date = create_date - interval '1 day'"
            )
        )
        self.env.cr.execute(
            SQL(
                "UPDATE res_company SET crm_value_last_run = NOW() AT TIME ZONE 'UTC' - interval '1 minute' "
                "WHERE id = %s",
                self.company1.id,
            )
        )
        self.company1.invalidate_recordset(["crm_value_last_run"])

    def _score_rows(self, company):
        """Every stored column of ``company``'s scores that a run computes, by partner."""
        self.env["crm.value.score"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT partner_id, revenue_period, margin_period, revenue_total, margin_total,
                       purchase_count, first_purchase_date, last_purchase_date, rfm_recency,
                       rfm_frequency, rfm_monetary, rfm_segment, abc_class, cumulative_share,
                       development_index, benefit_index, churn_state, expected_interval_days,
                       service_tier, inputs::text
                  FROM crm_value_score WHERE company_id = %s ORDER BY partner_id
                """,
                company.id,
            )
        )
        return self.env.cr.fetchall()

    def test_incremental_run_reads_only_changed_partners_and_reranks_everyone(self):
        days = self.env["crm.value.purchase.day"]
        alpha_days = days.search(
            [("partner_id", "=", self.partners["alpha"].id), ("company_id", "=", self.company1.id)]
        )
        self.assertEqual(len(alpha_days), 3)
        self._stale_last_run()
        self._invoice(self.company1, self.partners["zeta"], "2026-06-25", [(self.p2, 1, 100)])
        score_model = self.env["crm.value.score"]
        self.assertEqual(
            score_model._crm_value_changed_partner_ids(self.company1), [self.partners["zeta"].id]
        )
        with freeze_time(NOW):
            score_model.with_user(self.sales_manager)._recompute()
        alpha_after = days.search(
            [("partner_id", "=", self.partners["alpha"].id), ("company_id", "=", self.company1.id)]
        )
        self.assertEqual(alpha_after, alpha_days)  # not rewritten
        scores = self._scores_of(self.company1)
        zeta = scores[self.partners["zeta"]]
        self.assertEqual((zeta.revenue_period, zeta.margin_period, zeta.purchase_count), (200.0, 170.0, 2))
        # re-ranked: Zeta (170) now before Epsilon (90): 1,870 in all
        self.assertAlmostEqual(zeta.cumulative_share, 100 * (880 + 350 + 300 + 170) / 1870, places=3)
        self.assertEqual(scores[self.partners["epsilon"]].inputs["abc"]["rank"], 5)

    def test_incremental_run_new_invoice_reads_its_own_day_only(self):
        """A document created after the last run is read again by its day only; a document the
        last run read, changed since, makes its customer's every day read again; the scores of
        that second run of the day (benefit index of unchanged customers copied) are those of a
        run reading everything."""
        self._stale_last_run()
        score_model = self.env["crm.value.score"]
        zeta = self.partners["zeta"]
        self._invoice(self.company1, zeta, "2026-06-25", [(self.p2, 1, 100)])
        self.assertEqual(
            score_model._crm_value_changes(self.company1), (set(), {(zeta.id, date(2026, 6, 25))})
        )
        # the credit note of Alpha, read by the last run, goes back to draft
        self.alpha_refund.button_draft()
        self.assertEqual(
            score_model._crm_value_changes(self.company1),
            ({self.partners["alpha"].id}, {(zeta.id, date(2026, 6, 25))}),
        )
        zeta_days = self.env["crm.value.purchase.day"].search(
            [("partner_id", "=", zeta.id), ("company_id", "=", self.company1.id)]
        )
        with freeze_time(NOW):
            score_model.with_user(self.sales_manager)._recompute()
        zeta_days_after = self.env["crm.value.purchase.day"].search(
            [("partner_id", "=", zeta.id), ("company_id", "=", self.company1.id)]
        )
        # Zeta's earlier day kept as it was, the new one added
        self.assertEqual(len(zeta_days_after), len(zeta_days) + 1)
        self.assertLess(zeta_days, zeta_days_after)
        incremental = self._score_rows(self.company1)
        # the partners' copies are up to date: a sync of every partner finds nothing to write
        self.assertEqual(score_model._crm_value_sync_partners(self.company1), 0)
        with freeze_time(NOW):
            score_model.with_user(self.sales_manager)._recompute(full=True)
        self.assertEqual(self._score_rows(self.company1), incremental)

    def test_benefit_settings_force_a_full_run(self):
        self.assertTrue(self.company1.crm_value_last_run)
        self.company1.crm_value_benefit_weight_on_time = 2.0
        self.assertFalse(self.company1.crm_value_last_run)

    def test_unchanged_scores_are_not_rewritten(self):
        alpha = self.score("alpha")
        self.env.cr.execute(
            SQL("UPDATE crm_value_score SET write_date = '2000-01-01' WHERE id = %s", alpha.id)
        )
        with freeze_time(NOW):
            self.env["crm.value.score"]._recompute(companies=self.company1, full=True)
        self.env.cr.execute(SQL("SELECT write_date FROM crm_value_score WHERE id = %s", alpha.id))
        self.assertEqual(self.env.cr.fetchone()[0].year, 2000)

    def test_cancelled_invoice_leaves_the_scores(self):
        self._stale_last_run()
        refund = self.alpha_refund
        refund.button_draft()
        with freeze_time(NOW):
            self.env["crm.value.score"]._recompute(companies=self.company1)
        self.assertEqual(self._scores_of(self.company1)[self.partners["alpha"]].revenue_period, 1500.0)

    def test_cron_recomputes_every_company(self):
        self.env["crm.value.score"].search(
            [("company_id", "in", (self.company1 | self.company2).ids)]
        ).unlink()
        with freeze_time(NOW):
            self.env.ref("crm_value.crm_value_score_cron_recompute").method_direct_trigger()
        self.assertEqual(len(self._scores_of(self.company1)), 8)
        self.assertEqual(len(self._scores_of(self.company2)), 1)
        self.assertTrue(self.company2.crm_value_last_run)

    def test_recompute_now_button_of_the_ranking(self):
        """A manager's *Recompute Now* on the ranking list scores the customers of their company."""
        self.env["crm.value.score"].search([("company_id", "=", self.company1.id)]).unlink()
        scores = (
            self.env["crm.value.score"]
            .with_user(self.sales_manager)
            .with_context(allowed_company_ids=self.company1.ids)
        )
        with freeze_time(NOW):
            action = scores.action_crm_value_recompute()
        self.assertEqual(action["tag"], "soft_reload")
        self.assertEqual(len(self._scores_of(self.company1)), 8)
        arch = scores.get_views([(False, "list")])["views"]["list"]["arch"]
        self.assertIn('name="action_crm_value_recompute"', arch)
        salesperson_arch = (
            self.env["crm.value.score"]
            .with_user(self.salesperson)
            .get_views([(False, "list")])["views"]["list"]["arch"]
        )
        self.assertNotIn("action_crm_value_recompute", salesperson_arch)

    def test_period_setting_forces_a_full_run(self):
        self.assertTrue(self.company1.crm_value_last_run)
        self.company1.crm_value_history_months = 48
        self.assertFalse(self.company1.crm_value_last_run)

    # ------------------------------------------------------------------
    # access
    # ------------------------------------------------------------------
    def test_salesperson_sees_own_customers_scores_only(self):
        scores = (
            self.env["crm.value.score"]
            .with_user(self.salesperson)
            .with_context(allowed_company_ids=self.company1.ids)
        )
        self.assertEqual(
            scores.search([("company_id", "in", (self.company1 | self.company2).ids)]).partner_id,
            self.partners["alpha"],
        )
        with self.assertRaises(AccessError):
            scores.browse(self.score("beta").id).read(["margin_period"])

    def test_manager_sees_all_scores_other_company_none(self):
        companies = self.company1 | self.company2
        manager = self.env["crm.value.score"].with_user(self.sales_manager)
        self.assertEqual(
            manager.with_context(allowed_company_ids=companies.ids).search_count(
                [("company_id", "in", companies.ids)]
            ),
            9,
        )
        self.assertEqual(
            manager.with_context(allowed_company_ids=self.company1.ids).search_count(
                [("company_id", "in", companies.ids)]
            ),
            8,
        )
        # Alpha's owner works in company 1 only: Alpha's score of company 2 stays hidden
        salesperson = (
            self.env["crm.value.score"]
            .with_user(self.salesperson)
            .with_context(allowed_company_ids=self.company1.ids)
        )
        self.assertFalse(salesperson.search([("company_id", "=", self.company2.id)]))

    def test_salesperson_cannot_recompute_or_write_scores(self):
        scores = (
            self.env["crm.value.score"]
            .with_user(self.salesperson)
            .with_context(allowed_company_ids=self.company1.ids)
        )
        with self.assertRaisesRegex(AccessError, "Only Customer Value managers"):
            scores._recompute()
        with self.assertRaisesRegex(AccessError, "Only Customer Value managers"):
            scores.action_crm_value_recompute()
        alpha = scores.browse(self.score("alpha").id)
        with self.assertRaises(AccessError):
            alpha.write({"abc_class": "A"})
        with self.assertRaises(AccessError):
            scores.create({"partner_id": self.partners["beta"].id, "company_id": self.company1.id})

    def test_recompute_dates_follow_today(self):
        with freeze_time(date(2026, 6, 30) + timedelta(days=1)):
            self.env["crm.value.score"]._recompute(companies=self.company1)
        self.assertEqual(self._scores_of(self.company1)[self.partners["alpha"]].as_of_date, date(2026, 7, 1))
