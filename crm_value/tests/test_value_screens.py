from datetime import date

from odoo import Command
from odoo.tests import new_test_user, tagged

from odoo.addons.crm_lifecycle.tests.common import CrmSuiteCase

from .common import create_company_with_salesperson

SCREEN_ACTIONS = {
    # action xml id: whether a salesperson may open it
    "crm_value.crm_value_score_action": True,
    "crm_value.crm_value_pareto_action": False,
    "crm_value.crm_value_margin_class_action": False,
    "crm_value.crm_value_rfm_action": True,
    "crm_value.crm_value_churn_state_action": True,
    "crm_value.crm_value_churn_report_action": True,
    "crm_value.crm_value_map_action": True,
    "crm_value.crm_value_snapshot_action": True,
}
SCREEN_MENUS = {
    "crm_value.crm_value_ranking_menu": True,
    "crm_value.crm_value_pareto_menu": False,
    "crm_value.crm_value_margin_class_menu": False,
    "crm_value.crm_value_rfm_menu": True,
    "crm_value.crm_value_churn_state_menu": True,
    "crm_value.crm_value_churn_report_menu": True,
    "crm_value.crm_value_map_menu": True,
    "crm_value.crm_value_snapshot_menu": True,
}


class ValueScreensCase(CrmSuiteCase):
    """Two companies, customers in both, scores and snapshots made by hand.

    crm.value.score and crm.value.snapshot are bookkeeping that only the engine writes (in SQL, as
    superuser); the tests create those rows directly with sudo() to stand for a recompute."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.company
        cls.company_b, cls.salesperson_b = create_company_with_salesperson(
            cls.env, "Value Screens B Ltd", "crm_value_salesperson_b", "Bob Seller B"
        )
        cls.manager_ab = new_test_user(
            cls.env,
            login="crm_value_manager_ab",
            name="Meg Manager AB",
            groups="sales_team.group_sale_manager",
            company_id=cls.company_a.id,
            company_ids=[Command.set((cls.company_a | cls.company_b).ids)],
        )
        Partner = cls.env["res.partner"]
        # CRM customers owned by the manager: salespeople see them only once they own them
        customer = {
            "is_company": True,
            "lifecycle_stage_id": cls.env.ref("crm_lifecycle.stage_customer").id,
            "user_id": cls.sales_manager.id,
        }
        cls.alpha = Partner.create({"name": "Alpha Screens Ltd", **customer})
        cls.alpha_contact = Partner.create({"name": "Anna Alpha", "parent_id": cls.alpha.id})
        cls.beta = Partner.create({"name": "Beta Screens Ltd", **customer})
        cls.gamma = Partner.create({"name": "Gamma Screens Ltd", **customer})
        cls.segment = cls.env["crm.value.rfm.segment"].create({"name": "Screens Champions", "recency_min": 4})

    @classmethod
    def _score(cls, partner, company, **values):
        # engine bookkeeping, created directly (see the class docstring); sudo: test fixture
        return (
            cls.env["crm.value.score"]
            .sudo()
            .create({"partner_id": partner.id, "company_id": company.id, **values})
        )

    @classmethod
    def _snapshot(cls, partner, company, day, **values):
        # engine bookkeeping, created directly (see the class docstring); sudo: test fixture
        return (
            cls.env["crm.value.snapshot"]
            .sudo()
            .create({"partner_id": partner.id, "company_id": company.id, "date": day, **values})
        )

    def _raw(self, partner, column):
        self.env.flush_all()
        self.env.cr.execute(f"SELECT {column} FROM res_partner WHERE id = %s", [partner.id])  # noqa: S608
        return self.env.cr.fetchone()[0]


@tagged("post_install", "-at_install")
class TestValueScreensViews(ValueScreensCase):
    def test_actions_load_for_salesperson_and_manager(self):
        for xmlid, for_salesperson in SCREEN_ACTIONS.items():
            action = self.env.ref(xmlid).sudo()._get_action_dict()
            users = [self.sales_manager] + ([self.salesperson] if for_salesperson else [])
            for user in users:
                with self.subTest(action=xmlid, user=user.login):
                    model = self.env[action["res_model"]].with_user(user)
                    modes = action["view_mode"].split(",")
                    views = model.get_views(
                        [(view_id, mode) for view_id, mode in action["views"]] + [(False, "search")]
                    )
                    self.assertEqual(set(views["views"]), set(modes) | {"search"})
                    result = model.web_search_read([], {"display_name": {}}, limit=80)
                    self.assertIn("records", result)

    def test_menus_by_role(self):
        for xmlid, for_salesperson in SCREEN_MENUS.items():
            with self.subTest(menu=xmlid):
                self.assertMenuOpens(self.sales_manager, xmlid)
                if for_salesperson:
                    self.assertMenuOpens(self.salesperson, xmlid)
                else:
                    self.assertMenuHidden(self.salesperson, xmlid)
        self.assertMenuOpens(self.salesperson, "crm_value.crm_value_menu")

    def test_value_tab_only_for_value_users(self):
        arch = (
            self.env["res.partner"]
            .with_user(self.salesperson)
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        self.assertIn('name="crm_value"', arch)
        self.assertIn("Why this score?", arch)
        self.assertIn("crm_value_trend_svg", arch)
        employee = new_test_user(self.env, login="crm_value_plain_employee", groups="base.group_user")
        arch = (
            self.env["res.partner"].with_user(employee).get_views([(False, "form")])["views"]["form"]["arch"]
        )
        self.assertNotIn('name="crm_value"', arch)
        self.assertNotIn("crm_value_abc_class", arch)
        lists = (
            self.env["res.partner"]
            .with_user(self.salesperson)
            .get_views(
                [
                    (self.env.ref("crm_lifecycle.res_partner_view_list_lifecycle").id, "list"),
                    (False, "search"),
                    (self.env.ref("crm_lifecycle.res_partner_view_kanban_lifecycle").id, "kanban"),
                ]
            )["views"]
        )
        for column in (
            "crm_value_abc_class",
            "crm_value_churn_state",
            "crm_value_development_index",
            "crm_value_benefit_index",
        ):
            self.assertIn(column, lists["list"]["arch"])
        self.assertIn('name="crm_value_class_a"', lists["search"]["arch"])
        self.assertIn('name="group_crm_value_class"', lists["search"]["arch"])
        self.assertIn("crm_value_abc_class", lists["kanban"]["arch"])

    def test_value_tab_reads_current_company_score_of_commercial_partner(self):
        score_a = self._score(self.alpha, self.company_a, abc_class="A", revenue_period=1200.0)
        score_b = self._score(self.alpha, self.company_b, abc_class="C", revenue_period=30.0)
        contact = self.alpha_contact.with_user(self.manager_ab)
        self.assertEqual(contact.with_company(self.company_a).crm_value_score_id, score_a)
        self.assertEqual(contact.with_company(self.company_a).crm_value_score_abc_class, "A")
        self.assertEqual(contact.with_company(self.company_b).crm_value_score_id, score_b)
        self.assertEqual(contact.with_company(self.company_b).crm_value_score_revenue_period, 30.0)
        # the smart button counts the scores of the companies the user has selected
        self.assertEqual(contact.with_company(self.company_a).crm_value_score_count, 1)
        both = contact.with_context(allowed_company_ids=(self.company_a | self.company_b).ids)
        self.assertEqual(both.crm_value_score_count, 2)
        self.assertFalse(self.beta.with_user(self.manager_ab).crm_value_score_id)
        partners = self.env["res.partner"].with_user(self.manager_ab).with_company(self.company_a)
        self.assertEqual(
            partners.search([("crm_value_score_id", "=", score_a.id)]), self.alpha | self.alpha_contact
        )
        action = both.action_crm_value_open_scores()
        self.assertEqual(action["res_model"], "crm.value.score")
        Score = self.env["crm.value.score"].with_user(self.manager_ab)
        self.assertEqual(
            Score.with_context(allowed_company_ids=both.env.context["allowed_company_ids"]).search(
                action["domain"]
            ),
            score_a | score_b,
        )


@tagged("post_install", "-at_install")
class TestValueScreensPartnerSync(ValueScreensCase):
    def test_sync_writes_each_company_key_and_only_changed_rows(self):
        Score = self.env["crm.value.score"]
        score_alpha_a = self._score(
            self.alpha,
            self.company_a,
            abc_class="A",
            churn_state="active",
            rfm_segment=self.segment.id,
            development_index=120.5,
            benefit_index=55.0,
        )
        self._score(self.alpha, self.company_b, abc_class="C", churn_state="lost", development_index=40.0)
        score_beta_a = self._score(self.beta, self.company_a, abc_class="B", churn_state="at_risk")

        self.assertEqual(Score._crm_value_sync_partners(self.company_a), 2)
        self.assertEqual(Score._crm_value_sync_partners(self.company_b), 1)
        key_a, key_b = str(self.company_a.id), str(self.company_b.id)
        self.assertEqual(self._raw(self.alpha, "crm_value_abc_class"), {key_a: "A", key_b: "C"})
        self.assertEqual(self._raw(self.alpha, "crm_value_churn_state"), {key_a: "active", key_b: "lost"})
        self.assertEqual(self._raw(self.alpha, "crm_value_rfm_segment_id"), {key_a: self.segment.id})
        self.assertEqual(self._raw(self.alpha, "crm_value_development_index"), {key_a: 120.5, key_b: 40.0})
        self.assertEqual(self._raw(self.alpha, "crm_value_benefit_index"), {key_a: 55.0})
        self.assertEqual(self._raw(self.beta, "crm_value_abc_class"), {key_a: "B"})
        # contacts roll up: only the commercial partner carries the copy
        self.assertIsNone(self._raw(self.alpha_contact, "crm_value_abc_class"))

        alpha = self.alpha.with_user(self.manager_ab)
        self.assertEqual(alpha.with_company(self.company_a).crm_value_abc_class, "A")
        self.assertEqual(alpha.with_company(self.company_b).crm_value_abc_class, "C")
        self.assertEqual(alpha.with_company(self.company_a).crm_value_rfm_segment_id, self.segment)
        self.assertEqual(alpha.with_company(self.company_b).crm_value_development_index, 40.0)

        # nothing changed: nothing written
        self.assertEqual(Score._crm_value_sync_partners(self.company_a), 0)
        # one score changes, one disappears: two partners written, the gone score's key removed
        score_alpha_a.sudo().write({"abc_class": "B"})  # engine bookkeeping, see ValueScreensCase
        score_beta_a.sudo().unlink()  # engine bookkeeping, see ValueScreensCase
        self.assertEqual(Score._crm_value_sync_partners(self.company_a), 2)
        self.assertEqual(self._raw(self.alpha, "crm_value_abc_class"), {key_a: "B", key_b: "C"})
        self.assertEqual(self._raw(self.beta, "crm_value_abc_class"), {})
        self.assertFalse(self.beta.with_user(self.manager_ab).crm_value_abc_class)

    def test_filters_and_group_bys_on_the_company_dependent_fields(self):
        Score = self.env["crm.value.score"]
        self._score(
            self.alpha, self.company_a, abc_class="A", churn_state="active", rfm_segment=self.segment.id
        )
        self._score(self.beta, self.company_a, abc_class="A", churn_state="at_risk")
        self._score(self.gamma, self.company_a, abc_class="C", churn_state="lost")
        self._score(self.alpha, self.company_b, abc_class="N", churn_state="lost")
        Score._crm_value_sync_partners(self.company_a)
        Score._crm_value_sync_partners(self.company_b)
        ours = [("id", "in", (self.alpha | self.beta | self.gamma).ids)]

        partners_a = self.env["res.partner"].with_user(self.manager_ab).with_company(self.company_a)
        rows = partners_a.search_read(
            ours + [("crm_value_abc_class", "=", "A")], ["name", "crm_value_abc_class"]
        )
        self.assertEqual({row["name"] for row in rows}, {"Alpha Screens Ltd", "Beta Screens Ltd"})
        self.assertEqual({row["crm_value_abc_class"] for row in rows}, {"A"})
        self.assertEqual(partners_a.search(ours + [("crm_value_churn_state", "=", "at_risk")]), self.beta)
        groups = partners_a.read_group(ours, ["crm_value_abc_class"], ["crm_value_abc_class"])
        self.assertEqual(
            {group["crm_value_abc_class"]: group["crm_value_abc_class_count"] for group in groups},
            {"A": 2, "C": 1},
        )
        by_segment = dict(partners_a._read_group(ours, ["crm_value_rfm_segment_id"], ["__count"]))
        self.assertEqual(by_segment[self.segment], 1)

        partners_b = self.env["res.partner"].with_user(self.manager_ab).with_company(self.company_b)
        self.assertEqual(partners_b.search(ours + [("crm_value_abc_class", "=", "N")]), self.alpha)
        self.assertFalse(partners_b.search(ours + [("crm_value_abc_class", "=", "A")]))
        groups = dict(partners_b._read_group(ours, ["crm_value_churn_state"], ["__count"]))
        self.assertEqual(groups, {"lost": 1, False: 2})

    def test_after_store_hook_updates_bands_and_partners(self):
        """The engine calls _crm_value_after_store(company, as_of) after each company's upsert."""
        score = self._score(
            self.alpha,
            self.company_a,
            abc_class="B",
            churn_state="dormant",
            cumulative_share=90.0,
            development_index=85.0,
            benefit_index=75.0,
        )
        self.env["crm.value.score"]._crm_value_after_store(self.company_a, date(2025, 6, 30))
        self.assertEqual(
            (score.development_band, score.benefit_band, score.pareto_percentile), ("in_step", "high", 100)
        )
        alpha = self.alpha.with_user(self.manager_ab).with_company(self.company_a)
        self.assertEqual((alpha.crm_value_abc_class, alpha.crm_value_churn_state), ("B", "dormant"))
        self.assertEqual(alpha.crm_value_benefit_index, 75.0)

    def test_bands_and_pareto_percentile(self):
        Score = self.env["crm.value.score"]
        delta = self.env["res.partner"].create({"name": "Delta Screens Ltd", "is_company": True})
        scores = [
            self._score(
                self.alpha, self.company_b, cumulative_share=40.0, development_index=150.0, benefit_index=80.0
            ),
            self._score(
                self.beta, self.company_b, cumulative_share=70.0, development_index=100.0, benefit_index=40.0
            ),
            self._score(
                self.gamma, self.company_b, cumulative_share=90.0, development_index=79.9, benefit_index=39.9
            ),
            self._score(delta, self.company_b, cumulative_share=100.0),
        ]
        self.assertEqual(Score._crm_value_update_bands(self.company_b), 4)
        self.assertEqual(
            [(s.development_band, s.benefit_band, s.pareto_percentile) for s in scores],
            [("faster", "high", 25), ("in_step", "medium", 50), ("slower", "low", 75), (False, False, 100)],
        )
        self.assertEqual(Score._crm_value_update_bands(self.company_b), 0)


@tagged("post_install", "-at_install")
class TestValueScreensChurnReport(ValueScreensCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        snap = cls._snapshot
        a = cls.company_a
        # alpha: lost in March; its February revenue (800) is lost then; still lost in April
        snap(cls.alpha, a, date(2025, 1, 31), churn_state="active", revenue_period=1000.0, abc_class="A")
        snap(
            cls.alpha,
            a,
            date(2025, 2, 28),
            churn_state="at_risk",
            revenue_period=800.0,
            abc_class="A",
            margin_period=200.0,
        )
        snap(cls.alpha, a, date(2025, 3, 31), churn_state="lost", revenue_period=0.0, abc_class="N")
        snap(cls.alpha, a, date(2025, 4, 30), churn_state="lost", revenue_period=0.0, abc_class="N")
        # beta: lost at its first snapshot (no row), back in February, lost again in March (500)
        snap(cls.beta, a, date(2025, 1, 31), churn_state="lost", revenue_period=0.0)
        snap(cls.beta, a, date(2025, 2, 28), churn_state="reactivated", revenue_period=500.0, abc_class="B")
        snap(cls.beta, a, date(2025, 3, 31), churn_state="lost", revenue_period=100.0, abc_class="C")
        # gamma: lost in March (300), reactivated in May, lost in June (50)
        snap(cls.gamma, a, date(2025, 2, 28), churn_state="dormant", revenue_period=300.0, abc_class="C")
        snap(cls.gamma, a, date(2025, 3, 31), churn_state="lost", revenue_period=0.0)
        snap(cls.gamma, a, date(2025, 5, 31), churn_state="reactivated", revenue_period=50.0, abc_class="C")
        snap(cls.gamma, a, date(2025, 6, 30), churn_state="lost", revenue_period=0.0)
        # company B: alpha lost in March there too, with its own revenue
        snap(cls.alpha, cls.company_b, date(2025, 2, 28), churn_state="active", revenue_period=70.0)
        snap(cls.alpha, cls.company_b, date(2025, 3, 31), churn_state="lost", revenue_period=0.0)
        cls.env.flush_all()

    def test_lost_revenue_per_month_exact(self):
        report = self.env["crm.value.churn.report"].with_user(self.sales_manager)
        rows = report.search([("company_id", "=", self.company_a.id)])
        self.assertEqual(
            sorted((row.partner_id.name, str(row.date), row.lost_revenue) for row in rows),
            [
                ("Alpha Screens Ltd", "2025-03-31", 800.0),
                ("Beta Screens Ltd", "2025-03-31", 500.0),
                ("Gamma Screens Ltd", "2025-03-31", 300.0),
                ("Gamma Screens Ltd", "2025-06-30", 50.0),
            ],
        )
        alpha_row = rows.filtered(lambda row: row.partner_id == self.alpha)
        self.assertEqual((alpha_row.lost_margin, alpha_row.previous_abc_class), (200.0, "A"))
        self.assertEqual(str(alpha_row.previous_date), "2025-02-28")
        per_month = report._read_group(
            [("company_id", "=", self.company_a.id)], ["date:month"], ["lost_revenue:sum", "__count"]
        )
        self.assertEqual(
            [(month.strftime("%Y-%m"), total, count) for month, total, count in per_month],
            [("2025-03", 1600.0, 3), ("2025-06", 50.0, 1)],
        )

    def test_salesperson_of_company_b_sees_nothing_of_company_a(self):
        # salesperson B owns the customers: only the company tells the rows apart
        (self.alpha | self.beta | self.gamma).write({"user_id": self.salesperson_b.id})
        self.env.flush_all()  # the report is a SQL view over the partners
        report = self.env["crm.value.churn.report"].with_user(self.salesperson_b)
        rows = report.search([])
        self.assertEqual(rows.company_id, self.company_b)
        self.assertEqual([(row.partner_id, row.lost_revenue) for row in rows], [(self.alpha, 70.0)])
        per_month = report._read_group([], ["company_id"], ["lost_revenue:sum"])
        self.assertEqual(per_month, [(self.company_b, 70.0)])
        # even when asking for company A explicitly
        self.assertFalse(
            report.with_context(allowed_company_ids=self.company_b.ids).search(
                [("company_id", "=", self.company_a.id)]
            )
        )
        # a salesperson of company A sees company A's rows of their own customers only
        self.alpha.write({"user_id": self.salesperson.id})
        self.env.flush_all()
        mine = self.env["crm.value.churn.report"].with_user(self.salesperson).search([])
        self.assertEqual([(row.partner_id, row.lost_revenue) for row in mine], [(self.alpha, 800.0)])
        # the partner's value copies are per company too
        self._score(self.alpha, self.company_a, abc_class="A")
        self.env["crm.value.score"]._crm_value_sync_partners(self.company_a)
        self.alpha.write({"user_id": self.salesperson_b.id})
        self.assertFalse(self.alpha.with_user(self.salesperson_b).crm_value_abc_class)


@tagged("post_install", "-at_install")
class TestValueScreensSparkline(ValueScreensCase):
    def test_no_snapshots(self):
        svg = self.alpha.with_user(self.sales_manager).crm_value_trend_svg
        self.assertIn("No snapshots yet.", svg)
        self.assertNotIn("<svg", svg)

    def test_last_twelve_snapshots_escaped(self):
        currency = self.company_a.currency_id
        currency.symbol = '<img src=x onerror="alert(1)">'
        for month in range(1, 15):
            day = date(2024 + month // 13, (month - 1) % 12 + 1, 28)
            self._snapshot(self.alpha, self.company_a, day, revenue_period=100.0 * month, abc_class="B")
        self._snapshot(self.alpha, self.company_b, date(2025, 6, 28), revenue_period=9.0)
        svg = str(
            self.alpha_contact.with_user(self.manager_ab).with_company(self.company_a).crm_value_trend_svg
        )
        self.assertTrue(svg.startswith("<svg"))
        self.assertEqual(svg.count("<circle"), 12)
        self.assertNotIn("<img", svg)
        self.assertIn("&lt;img src=x onerror=", svg)
        # the oldest two (100, 200) are left out: the first point is the third month's (300)
        titles = [part.split("</title>")[0] for part in svg.split("<title>")[1:]]
        self.assertEqual(len(titles), 12)
        self.assertIn("300.00", titles[0])
        self.assertIn("1,400.00", titles[-1])
        self.assertTrue(all(title.endswith("(B)") for title in titles))
        points = svg.split('points="')[1].split('"')[0].split()
        self.assertEqual(len(points), 12)
        # the values rise: the last point is the highest (smallest y)
        ys = [float(point.split(",")[1]) for point in points]
        self.assertEqual(ys, sorted(ys, reverse=True))
