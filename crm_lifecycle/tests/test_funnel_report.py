from datetime import datetime, timedelta

from odoo import fields
from odoo.tests import tagged

from odoo.addons.crm_lifecycle.demo import demo_history
from odoo.addons.crm_lifecycle.hooks import post_init_hook

from .common import CrmSuiteCase


@tagged("post_install", "-at_install")
class TestFunnelReport(CrmSuiteCase):
    """The funnel read from a timeline written at known dates.

    ==========  ===============================================================
    Customer    Stage moves (2024)
    ==========  ===============================================================
    Alpha       pool 01-05, qualified 01-15, opportunity 02-04, customer 03-05
    Beta        pool 01-10, qualified 01-14, invalid 02-13
    Gamma       pool 02-01, qualified 02-03, pool 02-09, qualified 02-20
    Delta       pool 02-10
    ==========  ===============================================================

    Alpha and Beta belong to the salesperson (team North), Gamma and Delta to
    the manager (team South).
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Report = cls.env["crm.lifecycle.funnel.report"]
        cls.stage = {
            code: cls.env.ref(f"crm_lifecycle.stage_{code}")
            for code in ("pool", "qualified", "opportunity", "customer", "invalid")
        }
        cls.team_north = cls.env["crm.team"].create({"name": "North"})
        cls.team_south = cls.env["crm.team"].create({"name": "South"})
        cls.source_fair = cls.env["utm.source"].create({"name": "Funnel Test Fair"})
        cls.industry_it = cls.env.ref("base.res_partner_industry_J")
        poland, china, belgium = (cls.env.ref(f"base.{code}") for code in ("pl", "cn", "be"))
        # plain partners: no automatic timeline, the test writes it
        cls.alpha, cls.beta, cls.gamma, cls.delta = cls.env["res.partner"].create(
            [
                {
                    "name": "Alpha Sp. z o.o.",
                    "is_company": True,
                    "user_id": cls.salesperson.id,
                    "crm_team_id": cls.team_north.id,
                    "country_id": poland.id,
                    "industry_id": cls.industry_it.id,
                    "crm_source_id": cls.source_fair.id,
                },
                {
                    "name": "Beta Trading Co.",
                    "is_company": True,
                    "user_id": cls.salesperson.id,
                    "crm_team_id": cls.team_north.id,
                    "country_id": china.id,
                },
                {
                    "name": "Gamma NV",
                    "is_company": True,
                    "user_id": cls.sales_manager.id,
                    "crm_team_id": cls.team_south.id,
                    "country_id": belgium.id,
                },
                {
                    "name": "Delta NV",
                    "is_company": True,
                    "user_id": cls.sales_manager.id,
                    "crm_team_id": cls.team_south.id,
                    "country_id": belgium.id,
                },
            ]
        )
        cls.partners = cls.alpha | cls.beta | cls.gamma | cls.delta
        cls._timeline(
            cls.alpha,
            [("pool", "01-05"), ("qualified", "01-15"), ("opportunity", "02-04"), ("customer", "03-05")],
        )
        cls._timeline(cls.beta, [("pool", "01-10"), ("qualified", "01-14"), ("invalid", "02-13")])
        cls._timeline(
            cls.gamma, [("pool", "02-01"), ("qualified", "02-03"), ("pool", "02-09"), ("qualified", "02-20")]
        )
        cls._timeline(cls.delta, [("pool", "02-10")])

    @classmethod
    def _timeline(cls, partner, moves):
        previous = False
        values = []
        for code, day in moves:
            values.append(
                {
                    "partner_id": partner.id,
                    "event_type": "stage",
                    "date": datetime.fromisoformat(f"2024-{day} 09:00:00"),
                    "from_stage_id": previous,
                    "to_stage_id": cls.stage[code].id,
                    "trigger": "manual",
                }
            )
            previous = cls.stage[code].id
        cls.env["crm.partner.event"].create(values)

    def _report(self, user=None):
        return self.Report.with_user(user or self.sales_manager)

    def _domain(self, *extra):
        return [("partner_id", "in", self.partners.ids), *extra]

    def test_entries_per_stage_and_month(self):
        rows = self._report()._read_group(self._domain(), ["stage_id", "date:month"], ["__count"])
        counts = {(stage.code, month.strftime("%Y-%m")): count for stage, month, count in rows}
        self.assertEqual(
            counts,
            {
                ("pool", "2024-01"): 2,
                ("qualified", "2024-01"): 2,
                ("pool", "2024-02"): 3,
                ("qualified", "2024-02"): 2,
                ("opportunity", "2024-02"): 1,
                ("invalid", "2024-02"): 1,
                ("customer", "2024-03"): 1,
            },
        )

    def test_stage_entry_knows_where_it_went(self):
        entries = self._report().search(self._domain(("partner_id", "=", self.gamma.id)), order="date")
        self.assertEqual(
            [(entry.stage_id.code, entry.next_stage_id.code or False) for entry in entries],
            [("pool", "qualified"), ("qualified", "pool"), ("pool", "qualified"), ("qualified", False)],
        )
        self.assertEqual(entries.mapped("is_current"), [False, False, False, True])
        self.assertEqual(entries[0].left_date, datetime(2024, 2, 3, 9, 0))
        self.assertEqual(entries.mapped("converted"), [True, False, True, False])

    def test_conversion_rate_per_stage(self):
        """Forward moves convert; a move back or to a lost stage does not, nor staying."""
        rows = self._report()._read_group(self._domain(), ["stage_id"], ["conversion_rate:avg", "__count"])
        rates = {stage.code: (rate, count) for stage, rate, count in rows}
        self.assertAlmostEqual(rates["pool"][0], 80.0)  # 4 of 5 entries moved on
        self.assertAlmostEqual(rates["qualified"][0], 25.0)  # Alpha only; Beta lost, Gamma back, then stays
        self.assertAlmostEqual(rates["opportunity"][0], 100.0)
        self.assertAlmostEqual(rates["customer"][0], 0.0)
        self.assertEqual(rates["pool"][1], 5)

    def test_median_days_per_stage(self):
        rows = self._report()._read_group(
            self._domain(("is_current", "=", False)),
            ["stage_id"],
            ["median_days:median", "days_in_stage:avg"],
        )
        result = {stage.code: (median, average) for stage, median, average in rows}
        # pool: 10, 4, 2, 11 days -> median 7, average 6.75
        self.assertAlmostEqual(result["pool"][0], 7.0)
        self.assertAlmostEqual(result["pool"][1], 6.75)
        # qualified: 20, 30, 6 days
        self.assertAlmostEqual(result["qualified"][0], 20.0)
        self.assertAlmostEqual(result["opportunity"][0], 30.0)
        self.assertNotIn("customer", result)  # Alpha is still a customer

    def test_median_is_the_field_aggregate_in_the_web_client(self):
        """The pivot reads ``median_days`` with the field's aggregator: a median, totals included."""
        report = self._report()
        self.assertEqual(report.fields_get(["median_days"])["median_days"]["aggregator"], "median")
        groups = report.read_group(
            self._domain(("is_current", "=", False), ("stage_id", "=", self.stage["pool"].id)),
            ["median_days", "days_in_stage"],
            [],
        )
        self.assertAlmostEqual(groups[0]["median_days"], 7.0)
        self.assertAlmostEqual(groups[0]["days_in_stage"], 6.75)

    def test_days_in_stage_run_until_now_while_in_stage(self):
        entry = self._report().search(self._domain(("partner_id", "=", self.delta.id)))
        self.assertTrue(entry.is_current)
        expected = (fields.Datetime.now() - datetime(2024, 2, 10, 9, 0)) / timedelta(days=1)
        self.assertAlmostEqual(entry.days_in_stage, expected, delta=0.1)

    def test_breakdown_by_team_and_salesperson(self):
        report = self._report()
        domain = self._domain(("is_current", "=", False), ("stage_id", "=", self.stage["pool"].id))
        by_team = dict(
            (team, median) for team, median in report._read_group(domain, ["team_id"], ["median_days:median"])
        )
        self.assertAlmostEqual(by_team[self.team_north], 7.0)  # Alpha 10, Beta 4
        self.assertAlmostEqual(by_team[self.team_south], 6.5)  # Gamma 2 and 11
        by_user = {
            user: (median, rate)
            for user, median, rate in report._read_group(
                self._domain(("stage_id", "=", self.stage["qualified"].id)),
                ["user_id"],
                ["median_days:median", "conversion_rate:avg"],
            )
        }
        self.assertEqual(set(by_user), {self.salesperson, self.sales_manager})
        self.assertAlmostEqual(by_user[self.salesperson][0], 25.0)  # Alpha 20, Beta 30 days
        self.assertAlmostEqual(by_user[self.salesperson][1], 50.0)
        self.assertAlmostEqual(by_user[self.sales_manager][1], 0.0)

    def test_breakdown_by_country_industry_source(self):
        report = self._report()
        by_country = dict(report._read_group(self._domain(), ["country_id"], ["__count"]))
        self.assertEqual(
            {country.code: count for country, count in by_country.items()}, {"PL": 4, "CN": 3, "BE": 5}
        )
        by_industry = dict(report._read_group(self._domain(), ["industry_id"], ["__count"]))
        self.assertEqual(by_industry[self.industry_it], 4)
        by_source = dict(report._read_group(self._domain(), ["source_id"], ["__count"]))
        self.assertEqual(by_source[self.source_fair], 4)

    def test_other_company_entries_are_hidden(self):
        other_company = self.env["res.company"].create({"name": "Funnel Other Company"})
        self.env["crm.partner.event"].create(
            {
                "partner_id": self.delta.id,
                "event_type": "stage",
                "date": datetime(2024, 3, 1, 9, 0),
                "to_stage_id": self.stage["qualified"].id,
                "company_id": other_company.id,
            }
        )
        self.assertEqual(self.Report.search_count(self._domain()), 13)
        self.assertEqual(self._report().search_count(self._domain()), 12)
        # the entry the salesperson sees still ended with the move recorded in the other company
        pool_entry = self._report().search(self._domain(("partner_id", "=", self.delta.id)))
        self.assertEqual(pool_entry.next_stage_id, self.stage["qualified"])

    def test_salesperson_sees_the_funnel_of_own_customers_only(self):
        rows = self._report(self.salesperson).search(self._domain())
        self.assertEqual(rows.partner_id, self.alpha | self.beta)
        self.assertEqual(self._report().search(self._domain()).partner_id, self.partners)

    def test_report_menus_open_for_salesperson(self):
        self.assertMenuOpens(self.salesperson, "crm_lifecycle.crm_lifecycle_funnel_report_menu")
        self.assertMenuOpens(self.salesperson, "crm_lifecycle.crm_lifecycle_stage_time_menu")
        self.assertMenuOpens(self.sales_manager, "crm_lifecycle.crm_lifecycle_funnel_report_menu")
        pivot = self._report().get_views([(False, "pivot")])["views"]["pivot"]["arch"]
        self.assertIn('name="stage_id"', pivot)


@tagged("post_install", "-at_install")
class TestDemoHistory(CrmSuiteCase):
    """The demo gives the timeline it writes at install a past, so the funnel has history.

    That code lives in demo/demo_history.py, run by the install hook with demo data only.
    """

    def test_install_hook_without_demo_leaves_the_data_alone(self):
        self.env.ref("base.module_crm_lifecycle").demo = False
        Move = self.env["account.move"]
        Event = self.env["crm.partner.event"]
        invoices = Move.search_count([("move_type", "=", "out_invoice")])
        releases = Event.search_count([("event_type", "=", "release")])
        order_dates = self.env["sale.order"].search([]).mapped("date_order")

        post_init_hook(self.env)

        self.assertEqual(Move.search_count([("move_type", "=", "out_invoice")]), invoices)
        self.assertEqual(Event.search_count([("event_type", "=", "release")]), releases)
        self.env.invalidate_all()
        self.assertEqual(self.env["sale.order"].search([]).mapped("date_order"), order_dates)

    def test_demo_has_its_past_after_install(self):
        if not self.env.ref("base.module_crm_lifecycle").demo:
            self.skipTest("crm_lifecycle demo data is not loaded in this database")
        orders = self.env["sale.order"].browse(
            [self.env.ref(xmlid).id for xmlid in demo_history.INVOICED_ORDERS]
        )
        today = fields.Date.context_today(orders)
        for order in orders:
            invoice = order.invoice_ids
            self.assertEqual(invoice.mapped("state"), ["posted"], order.name)
            self.assertLess(invoice.invoice_date, today, order.name)
            self.assertEqual(order.partner_id.lifecycle_stage_id.code, "customer", order.name)
            # the customer's story started weeks before the first invoice
            first = min(order.partner_id.crm_event_ids.mapped("date"))
            self.assertLess(first.date(), invoice.invoice_date, order.name)
        for xmlid, days, reason, user in demo_history.RELEASED:
            partner = self.env.ref(xmlid)
            self.assertEqual(partner.crm_pool_state, "pool", xmlid)
            self.assertEqual(
                partner.crm_released_by_id, self.env.ref(user) if user else self.env["res.users"]
            )
            if reason:
                self.assertEqual(partner.crm_release_reason, reason)
            self.assertGreaterEqual((fields.Datetime.now() - partner.crm_released_date).days, days, xmlid)

    def test_spread_keeps_order_and_stays_in_the_past_year(self):
        partner = (
            self.env["res.partner"]
            .with_context(crm_lifecycle_managed=True)
            .create({"name": "Spread Demo Ltd", "is_company": True, "user_id": self.salesperson.id})
        )
        partner._crm_set_stage("qualified", trigger="lead")
        partner._crm_set_stage("opportunity", trigger="quotation")
        partner._crm_set_stage("customer", trigger="order")
        events = partner.crm_event_ids.filtered(lambda event: event.event_type == "stage").sorted("id")
        self.assertEqual(len(events), 4)
        spread = events[-1].date - events[0].date
        self.assertLessEqual(spread, timedelta(seconds=5), "all moves happened at once")

        demo_history.spread_history(self.env)
        dates = events.mapped("date")
        self.assertEqual(dates, sorted(dates), "each move keeps its place in the story")
        self.assertEqual(len(set(dates)), 4)
        now = self.env.cr.now()
        self.assertGreater(dates[0], now - timedelta(days=366))
        self.assertLess(dates[-1], now - timedelta(hours=6))
        self.assertEqual(partner.lifecycle_stage_date, dates[-1])

        # the place is derived from the ids: running it again changes nothing
        demo_history.spread_history(self.env)
        self.assertEqual(events.mapped("date"), dates)

        entries = self.env["crm.lifecycle.funnel.report"].search(
            [("partner_id", "=", partner.id)], order="date"
        )
        self.assertEqual(entries.mapped("converted"), [True, True, True, False])
        self.assertEqual(entries[0].left_date, dates[1])

    def test_spread_leaves_older_events_alone(self):
        partner = (
            self.env["res.partner"]
            .with_context(crm_lifecycle_managed=True)
            .create({"name": "Old Timeline Ltd", "is_company": True})
        )
        event = partner.crm_event_ids
        # an event of an earlier transaction (a real customer's history)
        self.env.cr.execute(
            "UPDATE crm_partner_event SET create_date = %s, date = %s WHERE id = %s",
            (datetime(2023, 5, 1), datetime(2023, 5, 1, 10, 0), event.id),
        )
        event.invalidate_recordset()
        demo_history.spread_history(self.env)
        self.assertEqual(event.date, datetime(2023, 5, 1, 10, 0))
