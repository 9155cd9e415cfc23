from datetime import date, timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL

from odoo.addons.crm_value.tests.common import AS_OF, CrmValueEngineCase

NOW = "2026-06-30 10:00:00"
FIGURES = (
    "crm_service_open_case_count",
    "crm_service_sla_line_count",
    "crm_service_sla_attainment",
    "crm_service_rating_count",
    "crm_service_satisfaction",
    "crm_service_signal",
)


@tagged("post_install", "-at_install")
class TestServiceValue(CrmValueEngineCase):
    """crm_value's two companies and invoices (as of 2026-06-30: value period 2025-07-01 to
    2026-06-30; Alpha active, Beta, Gamma, Zeta and Eta new, Epsilon reactivated, Theta lost),
    with service cases of company 1:

    - Alpha: ``alpha_done`` (resolved 2026-05-10): response reached 2026-05-02, resolution
      failed 2026-05-05 (met late on 2026-05-10), rated 4 on 2026-05-11; ``alpha_old``
      (resolved 2025-06-26): response reached 2025-06-20, resolution failed 2025-06-25, rated 1
      on 2025-06-26 (all before the period); ``alpha_open`` (open since 2026-06-01): response
      failed 2026-06-10, resolution on track.
    - Beta (through its contact Bob): ``beta_case`` resolved, response and resolution reached in
      June 2026, rated 5 on 2026-06-02; a rating request not answered on it.
    - Zeta: ``zeta_case`` resolved, rated 2 on 2026-06-20. Epsilon: rated 1 on 2026-04-10
      (within 90 days of the as-of date). Eta: rated 2 on 2026-03-01 (older than 90 days).
    - Theta (lost): an open case with a failed line.
    - Company 2: Alpha's case with a failed line in the period, rated 1 on 2026-06-25.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stages = {
            state: cls.env.ref(f"crm_service.crm_complaint_stage_{state}")
            for state in ("new", "open", "resolved", "closed", "cancelled")
        }
        p = cls.partners
        cls.alpha_done = cls._case(cls.company1, p["alpha"], "2026-04-28", resolved="2026-05-10")
        cls.alpha_old = cls._case(cls.company1, p["alpha"], "2025-06-18", resolved="2025-06-26")
        cls.alpha_open = cls._case(cls.company1, p["alpha"], "2026-06-01")
        cls.beta_case = cls._case(cls.company1, cls.bob, "2026-05-30", resolved="2026-06-05")
        cls.zeta_case = cls._case(cls.company1, p["zeta"], "2026-06-10", resolved="2026-06-15")
        cls.epsilon_case = cls._case(cls.company1, p["epsilon"], "2026-04-01", resolved="2026-04-09")
        cls.eta_case = cls._case(cls.company1, p["eta"], "2026-02-20", resolved="2026-02-28")
        cls.theta_open = cls._case(cls.company1, p["theta"], "2026-05-01")
        cls.alpha_other = cls._case(cls.company2, p["alpha"], "2026-06-01", resolved="2026-06-24")
        cls._line(cls.alpha_done, "response", "reached", reached="2026-05-02 10:00")
        cls._line(
            cls.alpha_done, "resolution", "failed", deadline="2026-05-05 12:00", reached="2026-05-10 09:00"
        )
        cls._line(cls.alpha_old, "response", "reached", reached="2025-06-20 10:00")
        cls._line(
            cls.alpha_old, "resolution", "failed", deadline="2025-06-25 12:00", reached="2025-06-26 09:00"
        )
        cls._line(cls.alpha_open, "response", "failed", deadline="2026-06-10 12:00")
        cls._line(cls.alpha_open, "resolution", "ok", deadline="2026-07-30 12:00")
        cls._line(cls.beta_case, "response", "reached", reached="2026-06-01 10:00")
        cls._line(cls.beta_case, "resolution", "reached", reached="2026-06-05 10:00")
        cls._line(cls.theta_open, "response", "failed", deadline="2026-05-02 12:00")
        cls._line(cls.alpha_other, "response", "failed", deadline="2026-06-05 12:00")
        cls._rating(cls.alpha_done, 4, "2026-05-11 08:00")
        cls._rating(cls.alpha_old, 1, "2025-06-26 08:00")
        cls._rating(cls.beta_case, 5, "2026-06-02 08:00")
        cls._rating(cls.beta_case, 0, "2026-06-03 08:00", consumed=False)
        cls._rating(cls.zeta_case, 2, "2026-06-20 08:00")
        cls._rating(cls.epsilon_case, 1, "2026-04-10 08:00")
        cls._rating(cls.eta_case, 2, "2026-03-01 08:00")
        cls._rating(cls.alpha_other, 1, "2026-06-25 08:00")
        cls.other_salesperson = new_test_user(
            cls.env,
            login="value_other_sales",
            name="Other Salesperson",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company1.id,
            company_ids=[Command.set(cls.company1.ids)],
        )
        cls.agent = new_test_user(
            cls.env,
            login="value_agent",
            name="Value Agent",
            groups="crm_service.group_crm_service_user",
            company_id=cls.company1.id,
            company_ids=[Command.set(cls.company1.ids)],
        )
        cls.Score = cls.env["crm.value.score"]

    # ------------------------------------------------------------------
    # fixtures
    # ------------------------------------------------------------------
    @classmethod
    def _case(cls, company, partner, created, resolved=None):
        """A case of ``company`` created on ``created``, resolved on ``resolved`` (else open),
        without the SLA lines a policy of the database would give it."""
        env = cls.env(context=dict(cls.env.context, allowed_company_ids=[company.id]))
        case = env["crm.complaint"].create(
            {"subject": f"Case of {partner.name}", "partner_id": partner.id, "company_id": company.id}
        )
        case.sla_line_ids.unlink()
        cls.env.flush_all()
        stage = cls.stages["resolved" if resolved else "new"]
        cls.env.cr.execute(
            SQL(
                "UPDATE crm_complaint SET create_date = %s, write_date = %s, stage_id = %s, state = %s,"
                " resolved_date = %s WHERE id = %s",
                created,
                created,
                stage.id,
                stage.state,
                resolved,
                case.id,
            )
        )
        case.invalidate_recordset()
        return case

    @classmethod
    def _line(cls, case, target, state, deadline=None, reached=None):
        line = cls.env["crm.complaint.sla.line"].create(
            {
                "complaint_id": case.id,
                "target": target,
                "state": state,
                "deadline": deadline,
                "reached_date": reached,
            }
        )
        cls.env.flush_all()
        cls.env.cr.execute(
            SQL("UPDATE crm_complaint_sla_line SET write_date = %s WHERE id = %s", case.create_date, line.id)
        )
        line.invalidate_recordset()
        return line

    @classmethod
    def _rating(cls, case, value, when, consumed=True):
        rating = cls.env["rating.rating"].create(
            {
                "res_model_id": cls.env["ir.model"]._get_id("crm.complaint"),
                "res_id": case.id,
                "partner_id": case.partner_id.id,
                "rating": value,
                "consumed": consumed,
            }
        )
        cls.env.flush_all()
        cls.env.cr.execute(
            SQL(
                "UPDATE rating_rating SET create_date = %s, write_date = %s WHERE id = %s",
                when,
                when,
                rating.id,
            )
        )
        rating.invalidate_recordset()
        return rating

    def _run(self, full=False, at=NOW):
        with freeze_time(at):
            self.Score.with_user(self.sales_manager).with_context(
                allowed_company_ids=(self.company1 | self.company2).ids
            )._recompute(full=full)

    def _scores(self, company=None):
        scores = self.Score.search([("company_id", "=", (company or self.company1).id)])
        return {score.partner_id: score for score in scores}

    def _stale(self):
        """Everything so far was written a day before the company's last run, a minute ago."""
        for table in ("account_move", "crm_complaint", "crm_complaint_sla_line"):
            self.env.cr.execute(
                SQL(
                    "UPDATE %s"
                    " SET write_date = LEAST(write_date, NOW() AT TIME ZONE 'UTC' - interval '1 day')",
                    SQL.identifier(table),
                )
            )
        self.env.cr.execute(SQL("UPDATE account_move SET create_date = create_date - interval '1 day'"))
        self.env.cr.execute(
            SQL(
                "UPDATE res_company SET crm_value_last_run = NOW() AT TIME ZONE 'UTC' - interval '1 minute'"
                " WHERE id = %s",
                self.company1.id,
            )
        )
        self.env.invalidate_all()

    def _score_rows(self):
        self.Score.flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT partner_id, benefit_index, churn_state, inputs::text
                  FROM crm_value_score WHERE company_id = %s ORDER BY partner_id
                """,
                self.company1.id,
            )
        )
        return self.env.cr.fetchall()

    # ------------------------------------------------------------------
    # components
    # ------------------------------------------------------------------
    def test_satisfaction_component_on_exact_fixture(self):
        p = self.partners
        values = self.Score._crm_value_benefit_satisfaction(self.company1, AS_OF)
        # Alpha: 4 in the period (its 1 of 2025 is before); Beta: 5 (the request not answered is
        # no rating); Zeta 2, Epsilon 1; Eta's 2 of March counts (in the period); company 2's 1 not
        self.assertEqual(
            values,
            {
                p["alpha"].id: 0.8,
                self.beta.id: 1.0,
                p["zeta"].id: 0.4,
                p["epsilon"].id: 0.2,
                p["eta"].id: 0.4,
            },
        )
        self.assertEqual(
            self.Score._crm_value_benefit_satisfaction(self.company1, AS_OF, [p["alpha"].id]),
            {p["alpha"].id: 0.8},
        )
        self.assertEqual(
            self.Score._crm_value_benefit_satisfaction(self.company2, AS_OF), {p["alpha"].id: 0.2}
        )

    def test_sla_component_on_exact_fixture(self):
        p = self.partners
        values = self.Score._crm_value_benefit_sla(self.company1, AS_OF)
        # Alpha: reached 2026-05-02, failed 2026-05-05 and 2026-06-10 (2025's lines before the
        # period, the resolution on track not ended): 1 of 3; Beta: 2 of 2; Theta: 0 of 1
        self.assertEqual(values, {p["alpha"].id: 1 / 3, self.beta.id: 1.0, p["theta"].id: 0.0})
        self.assertEqual(self.Score._crm_value_benefit_sla(self.company2, AS_OF), {p["alpha"].id: 0.0})
        # a month earlier: Alpha's failure of June not yet in, Beta's lines neither
        self.assertEqual(
            self.Score._crm_value_benefit_sla(self.company1, date(2026, 5, 31)),
            {p["alpha"].id: 0.5, p["theta"].id: 0.0},
        )

    def test_benefit_index_follows_the_service_components(self):
        self._run()
        alpha = self._scores()[self.partners["alpha"]]
        components = alpha.inputs["benefit"]["components"]
        self.assertEqual(components["satisfaction"], 0.8)
        self.assertEqual(components["sla"], round(1 / 3, 4))
        self.assertIn("Service satisfaction: 0.8", alpha.explanation_html)
        self.assertIn("SLA targets met: 0.3333", alpha.explanation_html)
        before = alpha.benefit_index
        # weight 0 leaves the component out (and forces the next run to compute everyone again)
        self.company1.crm_service_benefit_weight_satisfaction = 0.0
        self.assertFalse(self.company1.crm_value_last_run)
        self._run()
        alpha = self._scores()[self.partners["alpha"]]
        self.assertNotIn("satisfaction", alpha.inputs["benefit"]["components"])
        self.assertNotEqual(alpha.benefit_index, before)
        self.company1.crm_service_benefit_weight_satisfaction = 1.0
        self._run()
        self.assertEqual(self._scores()[self.partners["alpha"]].benefit_index, before)

    def test_second_run_of_the_day_reads_the_changed_service_data(self):
        """The second run of a day copies the benefit index of unchanged customers: a new SLA
        line or rating makes its customer computed again, and the result is a full run's."""
        self._run()
        self._stale()
        before = self._scores()[self.partners["alpha"]].benefit_index
        case = self._case(self.company1, self.partners["alpha"], "2026-06-20", resolved="2026-06-29")
        line = self._line(case, "resolution", "reached", reached="2026-06-29 10:00")
        beta_rating = self._rating(self.beta_case, 5, "2026-06-29 10:00")
        for record in (line, beta_rating):
            self.env.cr.execute(
                SQL(
                    "UPDATE %s SET write_date = NOW() AT TIME ZONE 'UTC' WHERE id = %s",
                    SQL.identifier(record._table),
                    record.id,
                )
            )
        changed = self.Score._crm_value_benefit_changed_partner_ids(
            self.company1, self.company1.crm_value_last_run
        )
        self.assertEqual(changed, {self.partners["alpha"].id, self.beta.id})
        self._run()
        alpha = self._scores()[self.partners["alpha"]]
        self.assertEqual(alpha.inputs["benefit"]["components"]["sla"], 0.5)
        self.assertNotEqual(alpha.benefit_index, before)
        incremental = self._score_rows()
        self._run(full=True)
        self.assertEqual(self._score_rows(), incremental)

    # ------------------------------------------------------------------
    # churn signals
    # ------------------------------------------------------------------
    def test_signals_raise_churn_to_at_risk_with_the_rule(self):
        self._run()
        scores = self._scores()
        p = self.partners
        alpha = scores[p["alpha"]]
        self.assertEqual(alpha.churn_state, "at_risk")
        churn = alpha.inputs["churn"]
        self.assertEqual(churn["rule"], "service_sla_breach")
        self.assertEqual(churn["signals"], ["service_sla_breach"])
        self.assertEqual(churn["state_before_signals"], "active")
        self.assertIn("raised by a signal: an open case has failed its SLA", alpha.explanation_html)
        self.assertIn("From its purchases alone: Active", alpha.explanation_html)
        for name, before in (("zeta", "new"), ("epsilon", "reactivated")):
            score = scores[p[name]]
            self.assertEqual(score.churn_state, "at_risk", name)
            self.assertEqual(score.inputs["churn"]["rule"], "service_poor_rating", name)
            self.assertEqual(score.inputs["churn"]["state_before_signals"], before, name)
            self.assertIn("a poor rating (2 of 5 or less) of a recent case", score.explanation_html)
        # Eta's poor rating is older than 90 days; Beta and Gamma have no signal
        for name in ("eta", "gamma"):
            self.assertEqual(scores[p[name]].churn_state, "new", name)
            self.assertEqual(scores[p[name]].inputs["churn"]["signals"], [], name)
        self.assertEqual(scores[self.beta].churn_state, "new")
        # the partners' copies follow
        self.assertEqual(p["alpha"].with_company(self.company1).crm_value_churn_state, "at_risk")
        # company 2: Alpha's failed line is on a resolved case, its poor rating counts there
        alpha2 = self._scores(self.company2)[p["alpha"]]
        self.assertEqual(alpha2.inputs["churn"]["signals"], ["service_poor_rating"])

    def test_signal_never_lowers_lost(self):
        self._run()
        theta = self._scores()[self.partners["theta"]]
        self.assertEqual(theta.churn_state, "lost")
        self.assertEqual(theta.inputs["churn"]["rule"], "ratio_from_lost")
        self.assertEqual(theta.inputs["churn"]["signals"], ["service_sla_breach"])
        self.assertIn("Signals also found", theta.explanation_html)

    def test_poor_rating_window_setting(self):
        self.company1.crm_service_poor_rating_days = 150
        self._run()
        eta = self._scores()[self.partners["eta"]]
        self.assertEqual(eta.churn_state, "at_risk")
        self.assertEqual(eta.inputs["churn"]["rule"], "service_poor_rating")

    def test_signal_ends_on_the_next_incremental_run(self):
        """The case resolved, the rating aged out: the next (incremental) run lowers the state
        again, and gives what a full run gives."""
        self._run()
        self._stale()
        with freeze_time(NOW):
            self.alpha_open.with_user(self.service_manager_user()).stage_id = self.stages["resolved"]
        self._run()
        alpha = self._scores()[self.partners["alpha"]]
        self.assertEqual(alpha.churn_state, "active")
        self.assertEqual(alpha.inputs["churn"]["signals"], [])
        self.assertEqual(self.partners["alpha"].with_company(self.company1).crm_value_churn_state, "active")
        incremental = self._score_rows()
        self._run(full=True)
        self.assertEqual(self._score_rows(), incremental)
        # 40 days later, Epsilon's rating of 2026-04-10 is more than 90 days old
        self._run(at="2026-07-10 10:00:00")
        epsilon = self._scores()[self.partners["epsilon"]]
        self.assertNotIn("service_poor_rating", epsilon.inputs["churn"]["signals"])
        self.assertNotEqual(epsilon.inputs["churn"]["rule"], "service_poor_rating")

    def test_incremental_run_with_signals_equals_full_run(self):
        self._run()
        self._stale()
        self._invoice(self.company1, self.partners["zeta"], "2026-06-25", [(self.p2, 1, 100)])
        zeta_open = self._case(self.company1, self.partners["zeta"], "2026-06-26")
        self._line(zeta_open, "response", "failed", deadline="2026-06-27 12:00")
        self._run()
        incremental = self._score_rows()
        zeta = self._scores()[self.partners["zeta"]]
        self.assertEqual(zeta.inputs["churn"]["signals"], ["service_sla_breach", "service_poor_rating"])
        self.assertEqual(zeta.inputs["churn"]["rule"], "service_sla_breach")
        self._run(full=True)
        self.assertEqual(self._score_rows(), incremental)

    # ------------------------------------------------------------------
    # between two runs
    # ------------------------------------------------------------------
    def test_poor_rating_raises_the_score_at_once(self):
        self._run()
        gamma = self.partners["gamma"]
        self.assertEqual(self._scores()[gamma].churn_state, "new")
        case = self._case(self.company1, gamma, "2026-06-20", resolved="2026-06-25")
        rating = self._rating(case, 0, "2026-06-25 09:00", consumed=False)
        # the customer submits through the rating link (public route: sudo)
        case.sudo().rating_apply(1, token=rating.access_token)
        score = self._scores()[gamma]
        self.assertEqual(score.churn_state, "at_risk")
        self.assertEqual(score.inputs["churn"]["rule"], "service_poor_rating")
        self.assertEqual(gamma.with_company(self.company1).crm_value_churn_state, "at_risk")
        # a good rating raises nothing
        delta = self.partners["delta"]
        case = self._case(self.company1, delta, "2026-06-20", resolved="2026-06-25")
        rating = self._rating(case, 0, "2026-06-25 09:00", consumed=False)
        case.sudo().rating_apply(5, token=rating.access_token)
        self.assertEqual(self._scores()[delta].churn_state, "new")

    def test_sla_cron_failure_raises_the_score_at_once(self):
        self._run()
        gamma = self.partners["gamma"]
        case = self._case(self.company1, gamma, "2026-06-20")
        line = self._line(case, "response", "ok", deadline=fields.Datetime.now() - timedelta(hours=1))
        line.start_date = fields.Datetime.now() - timedelta(hours=5)
        self.env["crm.complaint.sla.line"]._cron_sla_check()
        self.assertEqual(line.state, "failed")
        score = self._scores()[gamma]
        self.assertEqual(score.churn_state, "at_risk")
        self.assertEqual(score.inputs["churn"]["rule"], "service_sla_breach")
        self.assertEqual(score.inputs["churn"]["state_before_signals"], "new")
        # the next run finds the same signal
        self._run(at=fields.Datetime.now())
        self.assertIn("service_sla_breach", self._scores()[gamma].inputs["churn"]["signals"])

    # ------------------------------------------------------------------
    # Value tab
    # ------------------------------------------------------------------
    def service_manager_user(self):
        return new_test_user(
            self.env,
            login="value_service_manager",
            groups="crm_service.group_crm_service_manager",
            company_id=self.company1.id,
            company_ids=[Command.set(self.company1.ids)],
        )

    def _figures(self, user, company):
        """The service figures of Alpha's Value tab as ``user`` reads them in ``company``."""
        partner = self.partners["alpha"].with_user(user).with_context(allowed_company_ids=company.ids)
        with freeze_time(NOW):
            values = partner.read(FIGURES)[0]
        return tuple(values[fname] for fname in FIGURES)

    def test_value_tab_service_figures_of_the_owner(self):
        figures = self._figures(self.salesperson, self.company1)
        self.assertEqual(figures[:5], (1, 3, 33.3, 1, 4.0))
        self.assertIn("SLA failed on an open case", figures[5])
        # the open cases open from the tab
        action = self.partners["alpha"].with_user(self.salesperson).action_view_complaints()
        cases = self.env["crm.complaint"].with_user(self.salesperson).search(action["domain"])
        self.assertIn(self.alpha_open, cases)
        self.assertEqual(action["context"]["search_default_filter_open"], 1)
        # the manager in company 2 sees company 2's case only
        figures = self._figures(self.sales_manager, self.company2)
        self.assertEqual(figures[:5], (0, 1, 0.0, 1, 1.0))
        self.assertIn("Poor rating", figures[5])

    def test_value_tab_service_figures_access(self):
        # another salesperson may not read the customer, nor its service figures
        with self.assertRaises(AccessError):
            self._figures(self.other_salesperson, self.company1)
        # a service agent who is no Customer Value user has no Value tab figures
        with self.assertRaises(AccessError):
            self._figures(self.agent, self.company1)
        # a user of company 2 only: company 2's case, nothing of company 1's
        company2_user = new_test_user(
            self.env,
            login="value_company2_manager",
            groups="sales_team.group_sale_manager",
            company_id=self.company2.id,
            company_ids=[Command.set(self.company2.ids)],
        )
        self.assertEqual(self._figures(company2_user, self.company2)[:5], (0, 1, 0.0, 1, 1.0))
        # the figures count the cases the user may read only: Alpha handed to the other
        # salesperson, its cases are hidden from its former owner, and so are their figures
        self.partners["alpha"].user_id = self.other_salesperson
        self.assertFalse(
            self.env["crm.complaint"]
            .with_user(self.salesperson)
            .search([("commercial_partner_id", "=", self.partners["alpha"].id)])
        )
        partner = (
            self.partners["alpha"]
            .with_user(self.salesperson)
            .with_context(allowed_company_ids=self.company1.ids)
        )
        with freeze_time(NOW):
            self.assertEqual(partner._crm_service_value_figures(self.partners["alpha"]), {})

    def test_value_tab_view_shows_the_service_group(self):
        arch = self.env["res.partner"].with_user(self.salesperson).get_view(view_type="form")["arch"]
        self.assertIn('name="crm_service_value_group"', arch)
        self.assertIn('name="crm_service_open_case_count"', arch)
        settings = self.env["res.config.settings"].get_view(view_type="form")["arch"]
        for fname in (
            "crm_service_benefit_weight_satisfaction",
            "crm_service_benefit_weight_sla",
            "crm_service_poor_rating_days",
        ):
            self.assertIn(f'name="{fname}"', settings)
