from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import Form, tagged

from .common import CrmValueEngineCase

MAY_END = date(2026, 5, 31)
JUNE_END = date(2026, 6, 30)


@tagged("post_install", "-at_install")
class TestValueSnapshots(CrmValueEngineCase):
    """Month-end snapshots of company 1's fixtures (see CrmValueEngineCase), by the monthly cron
    and by the backfill wizard."""

    def snapshots(self, day, company=None):
        records = self.env["crm.value.snapshot"].search(
            [("company_id", "=", (company or self.company1).id), ("date", "=", day)]
        )
        return {snapshot.partner_id: snapshot for snapshot in records}

    def row(self, snapshot):
        return (
            snapshot.revenue_period,
            snapshot.margin_period,
            snapshot.purchase_count,
            snapshot.abc_class,
            snapshot.churn_state,
        )

    def assertMaySnapshots(self):
        may = self.snapshots(MAY_END)
        p = self.partners
        # Beta, Zeta and Eta bought in June only: no row yet
        self.assertEqual(set(may), {p["alpha"], p["gamma"], p["delta"], p["epsilon"], p["theta"]})
        # Alpha: 1000 - 200 credited (on the 1 March invoice's day) + 500; margin 600 - 120 + 400
        self.assertEqual(self.row(may[p["alpha"]])[:4], (1300.0, 880.0, 2, "A"))
        # Gamma: 1000 EUR at 2 EUR per USD, sale line cost 30 EUR x 10
        self.assertEqual(self.row(may[p["gamma"]])[:4], (500.0, 350.0, 1, "A"))
        self.assertEqual(self.row(may[p["delta"]])[:4], (30.0, -15.0, 1, "N"))
        self.assertEqual(may[p["epsilon"]].abc_class, "N")
        self.assertEqual(may[p["epsilon"]].purchase_count, 0)

    def assertJuneSnapshots(self):
        june = self.snapshots(JUNE_END)
        p = self.partners
        self.assertEqual(
            set(june),
            {p[name] for name in ("alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta")},
        )
        self.assertEqual(self.row(june[p["alpha"]])[:4], (1300.0, 880.0, 2, "A"))
        # Beta through its contact Bob: 5 x 100, cost 5 x 40
        self.assertEqual(self.row(june[p["beta"]])[:4], (500.0, 300.0, 1, "A"))
        self.assertEqual(self.row(june[p["epsilon"]])[:3], (100.0, 90.0, 1))
        self.assertEqual(june[p["epsilon"]].churn_state, "reactivated")
        # margins 880, 350, 300, 90, 80, 80 (1780): Epsilon starts at 1530 / 1780 = 86% -> B
        self.assertEqual(june[p["epsilon"]].abc_class, "B")
        self.assertEqual(self.row(june[p["zeta"]])[:3], (100.0, 80.0, 1))
        # the same values as the scores computed that day
        with freeze_time("2026-06-30 12:00:00"):
            self.env["crm.value.score"]._recompute(companies=self.company1, full=True)
        for partner, score in self._scores(self.company1).items():
            self.assertEqual(
                self.row(june[partner]),
                (
                    score.revenue_period,
                    score.margin_period,
                    score.purchase_count,
                    score.abc_class,
                    score.churn_state,
                ),
                partner.name,
            )
            self.assertEqual(june[partner].cumulative_share, score.cumulative_share)
            self.assertEqual(june[partner].rfm_recency, score.rfm_recency)
            self.assertEqual(june[partner].development_index, score.development_index)

    def test_monthly_cron_writes_the_last_month_end_once(self):
        Snapshot = self.env["crm.value.snapshot"]
        Snapshot._cron_monthly_snapshot(today=date(2026, 6, 1))
        self.assertMaySnapshots()
        Snapshot._cron_monthly_snapshot(today=date(2026, 7, 1))
        self.assertJuneSnapshots()
        # a rerun the same month writes nothing twice
        count = Snapshot.search_count([("company_id", "=", self.company1.id)])
        Snapshot._cron_monthly_snapshot(today=date(2026, 7, 2))
        self.assertEqual(Snapshot.search_count([("company_id", "=", self.company1.id)]), count)
        # company 2 has its own snapshot rows
        self.assertEqual(set(self.snapshots(JUNE_END, self.company2)), {self.partners["alpha"]})
        self.assertEqual(self.snapshots(JUNE_END, self.company2)[self.partners["alpha"]].revenue_period, 70.0)

    @freeze_time("2026-07-15 10:00:00")
    def test_backfill_wizard_by_manager_resumes(self):
        manager = self.sales_manager
        wizard_model = (
            self.env["crm.value.snapshot.backfill"]
            .with_user(manager)
            .with_context(allowed_company_ids=[self.company1.id])
        )
        # June is written first (as if a run had stopped after it): it is skipped, May computed
        with Form(wizard_model) as form:
            form.date_from = date(2026, 6, 1)
            form.date_to = date(2026, 12, 31)  # months not over are left out
        self.assertEqual(form.record.month_count, 1)
        form.record.action_backfill()
        self.assertJuneSnapshots()
        june_ids = {snapshot.id for snapshot in self.snapshots(JUNE_END).values()}
        with Form(wizard_model) as form:
            form.date_from = date(2026, 5, 1)
            form.date_to = date(2026, 6, 30)
        # the scores of today exist now (assertJuneSnapshots recomputed them): May still holds
        # only the customers invoiced by then
        self.assertIn(self.partners["beta"], self._scores(self.company1))
        result = form.record.action_backfill()
        self.assertIn("1 month(s)", result["params"]["message"])
        self.assertMaySnapshots()
        self.assertEqual({snapshot.id for snapshot in self.snapshots(JUNE_END).values()}, june_ids)
        # the salesperson reads the snapshots but may not backfill
        with self.assertRaises(AccessError):
            self.env["crm.value.snapshot.backfill"].with_user(self.salesperson).create({})
        self.assertMenuOpens(manager, "crm_value.crm_value_snapshot_backfill_menu")
