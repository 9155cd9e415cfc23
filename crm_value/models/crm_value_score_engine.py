"""The set-based recompute of crm.value.score: purchase days, aggregates, ranks, upsert."""

import json
import logging
import threading
from contextlib import contextmanager
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# Where the cost of an invoice line comes from, best first (stored as a mix with the score).
COST_SOURCES = ("cogs", "sale", "standard", "none")
METHOD_VERSION = "crm_value.score/1"
# First key of the transaction-level advisory lock taken per company (the second is its id).
ADVISORY_LOCK_KEY = 1_202_612
# Invoices written this long before the last run started are re-read by the next incremental
# run, so a transaction still open when the last run started is not missed.
INCREMENTAL_MARGIN = timedelta(hours=1)
# Expected interval between purchases when a company has no repeat buyer at all.
FALLBACK_INTERVAL_DAYS = 365.0
DEVELOPMENT_METRICS = ("revenue", "margin", "purchases", "categories")
# Columns of crm_value_calc copied into crm_value_score.
SCORE_COLUMNS = (
    "revenue_period",
    "margin_period",
    "revenue_total",
    "margin_total",
    "purchase_count",
    "first_purchase_date",
    "last_purchase_date",
    "rfm_recency",
    "rfm_frequency",
    "rfm_monetary",
    "rfm_segment",
    "abc_class",
    "cumulative_share",
    "development_index",
    "benefit_index",
    "churn_state",
    "expected_interval_days",
    "service_tier",
    "inputs",
    "method_version",
    "as_of_date",
    "purchase_count_total",
    "repeat_margin_avg",
)


class CrmValueScore(models.Model):
    _inherit = "crm.value.score"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # Purchase days
    # ------------------------------------------------------------------
    def _crm_value_flush_sources(self):
        """Write pending ORM changes of everything the purchase-day SQL reads."""
        for model in (
            "account.move",
            "account.move.line",
            "account.account",
            "res.partner",
            "product.product",
            "product.template",
            "sale.order.line",
            "uom.uom",
        ):
            self.env[model].flush_model()

    def _crm_value_purchase_days_sql(self, company, date_from, date_to, partner_ids=None, partner_days=None):
        """SQL of one company's invoiced days per commercial partner, in company currency.

        Columns of each row (one per commercial partner and day having posted product lines):

        - ``partner_id``: the commercial partner of the invoice's partner (contacts roll up,
          as they are linked today);
        - ``day``: the invoice date; a credit note counts on the invoice date of the invoice
          it reverses (``reversed_entry_id``), else on its own;
        - ``revenue``: net ``-balance`` of the ``out_invoice``/``out_refund`` product lines
          (credit notes net out, foreign currencies at their booked rate);
        - ``margin``: revenue minus cost; a line's cost is, in this order, the anglo-saxon
          COGS booked on the move for its product (expense side of the ``cogs`` lines, shared
          between the move's lines of that product by quantity), else the ``purchase_price``
          of its sale lines (``sale_margin``, mean over the linked lines) times the quantity at
          the line's booked rate (``balance / amount_currency``), else the product's current
          ``standard_price`` for the company times the quantity in the product's unit (an
          estimate), else 0 for lines without a product;
        - ``is_purchase``: the day is a purchase (net revenue > 0). **Every** invoiced day is
          returned, days netted to zero or below too, so that totals net all credit notes;
          callers count purchases with ``is_purchase``;
        - ``lines_cogs``, ``lines_sale``, ``lines_standard``, ``lines_none``: number of lines
          costed from each source; ``revenue_estimated``: revenue of the lines costed at the
          current standard price;
        - ``categ_ids``: the product categories invoiced that day (array, no NULL).

        ``date_from``/``date_to`` bound ``day`` (both included, either may be None);
        ``partner_ids`` restricts to these commercial partners; with ``partner_days`` (a
        collection of (commercial partner, day) pairs), to every day of ``partner_ids`` and to
        these days of the other partners. Callers flush first (``_crm_value_flush_sources``).
        """
        company_key = str(company.id)
        line_filters = [
            SQL("aml.company_id = %s", company.id),
            SQL("aml.parent_state = 'posted'"),
            SQL("aml.display_type = 'product'"),
            SQL("am.move_type IN ('out_invoice', 'out_refund')"),
        ]
        day_filters = [SQL("TRUE")]
        subset = partner_ids is not None or bool(partner_days)
        if partner_days:
            line_filters.append(
                SQL(
                    "partner.commercial_partner_id = ANY(%s)",
                    sorted(set(partner_ids or ()) | {partner for partner, _day in partner_days}),
                )
            )
            day_filters.append(
                self._crm_value_days_condition(SQL("l.partner_id"), SQL("l.day"), partner_ids, partner_days)
            )
        elif partner_ids is not None:
            line_filters.append(SQL("partner.commercial_partner_id = ANY(%s)", list(partner_ids)))
        if date_from:
            day_filters.append(SQL("l.day >= %s", date_from))
        if date_to:
            day_filters.append(SQL("l.day <= %s", date_to))
        # Without a partner filter nearly every sale-linked line is read: aggregating every
        # link in one hash pass is cheaper than matching them against the lines read first
        # (lines of other companies or days are left out by the join on the line below).
        sale_filter = SQL("TRUE")
        if subset:
            sale_filter = SQL("rel.invoice_line_id IN (SELECT line_id FROM l)")
        return SQL(
            """
            WITH lines AS (
                SELECT aml.id AS line_id,
                       aml.move_id,
                       aml.product_id,
                       partner.commercial_partner_id AS partner_id,
                       COALESCE(origin.invoice_date, am.invoice_date) AS day,
                       -aml.balance AS revenue,
                       COALESCE(aml.quantity, 0) AS quantity,
                       CASE WHEN am.move_type = 'out_refund' THEN -1 ELSE 1 END AS sign,
                       CASE WHEN COALESCE(aml.amount_currency, 0) <> 0
                            THEN aml.balance / aml.amount_currency ELSE 1 END AS rate,
                       CASE WHEN line_uom.id IS NOT NULL AND product_uom.id IS NOT NULL
                                 AND line_uom.id <> product_uom.id AND line_uom.factor <> 0
                            THEN COALESCE(aml.quantity, 0) / line_uom.factor * product_uom.factor
                            ELSE COALESCE(aml.quantity, 0) END AS product_quantity,
                       (product.standard_price ->> %(company_key)s)::numeric AS standard_price,
                       template.categ_id
                  FROM account_move_line aml
                  JOIN account_move am ON am.id = aml.move_id
                  JOIN res_partner partner ON partner.id = am.partner_id
             LEFT JOIN account_move origin ON origin.id = am.reversed_entry_id
             LEFT JOIN product_product product ON product.id = aml.product_id
             LEFT JOIN product_template template ON template.id = product.product_tmpl_id
             LEFT JOIN uom_uom line_uom ON line_uom.id = aml.product_uom_id
             LEFT JOIN uom_uom product_uom ON product_uom.id = template.uom_id
                 WHERE %(line_filters)s
            ),
            l AS (
                SELECT * FROM lines l WHERE %(day_filters)s
            ),
            cogs AS (
                SELECT cl.move_id, cl.product_id, SUM(cl.balance) AS cost
                  FROM account_move_line cl
                  JOIN account_account acc ON acc.id = cl.account_id
                 WHERE cl.move_id IN (SELECT move_id FROM l)
                   AND cl.display_type = 'cogs'
                   AND acc.account_type IN ('expense', 'expense_direct_cost')
              GROUP BY cl.move_id, cl.product_id
            ),
            move_product AS (
                -- only the (move, product) pairs with COGS need their quantity: no pass over
                -- every line when the company books none
                SELECT l.move_id, l.product_id, SUM(l.quantity) AS quantity, COUNT(*) AS line_count
                  FROM l
                  JOIN cogs ON cogs.move_id = l.move_id AND cogs.product_id = l.product_id
              GROUP BY l.move_id, l.product_id
            ),
            sale_cost AS (
                SELECT rel.invoice_line_id AS line_id, AVG(sol.purchase_price) AS purchase_price
                  FROM sale_order_line_invoice_rel rel
                  JOIN sale_order_line sol ON sol.id = rel.order_line_id
                 WHERE %(sale_filter)s
              GROUP BY rel.invoice_line_id
            ),
            costed AS (
                SELECT l.partner_id, l.day, l.revenue, l.categ_id,
                       CASE WHEN cogs.cost IS NOT NULL THEN 'cogs'
                            WHEN sale_cost.line_id IS NOT NULL THEN 'sale'
                            WHEN l.product_id IS NOT NULL THEN 'standard'
                            ELSE 'none' END AS source,
                       CASE WHEN cogs.cost IS NOT NULL
                                THEN cogs.cost * CASE WHEN move_product.quantity <> 0
                                                      THEN l.quantity / move_product.quantity
                                                      ELSE 1.0 / move_product.line_count END
                            WHEN sale_cost.line_id IS NOT NULL
                                THEN l.sign * COALESCE(sale_cost.purchase_price, 0) * l.quantity * l.rate
                            WHEN l.product_id IS NOT NULL
                                THEN l.sign * COALESCE(l.standard_price, 0) * l.product_quantity
                            ELSE 0 END AS cost
                  FROM l
             LEFT JOIN cogs ON cogs.move_id = l.move_id AND cogs.product_id = l.product_id
             LEFT JOIN move_product ON move_product.move_id = l.move_id
                                   AND move_product.product_id = l.product_id
             LEFT JOIN sale_cost ON sale_cost.line_id = l.line_id
            )
            SELECT partner_id,
                   day,
                   SUM(revenue) AS revenue,
                   SUM(revenue - cost) AS margin,
                   SUM(revenue) > 0 AS is_purchase,
                   COUNT(*) FILTER (WHERE source = 'cogs') AS lines_cogs,
                   COUNT(*) FILTER (WHERE source = 'sale') AS lines_sale,
                   COUNT(*) FILTER (WHERE source = 'standard') AS lines_standard,
                   COUNT(*) FILTER (WHERE source = 'none') AS lines_none,
                   COALESCE(SUM(revenue) FILTER (WHERE source = 'standard'), 0) AS revenue_estimated,
                   COALESCE(ARRAY_AGG(DISTINCT categ_id) FILTER (WHERE categ_id IS NOT NULL),
                            ARRAY[]::integer[]) AS categ_ids
              FROM costed
          GROUP BY partner_id, day
            """,
            company_key=company_key,
            line_filters=SQL(" AND ").join(line_filters),
            day_filters=SQL(" AND ").join(day_filters),
            sale_filter=sale_filter,
        )

    # ------------------------------------------------------------------
    # Entry points
    # ------------------------------------------------------------------
    @api.model
    def _recompute(self, partner_ids=None, full=False, companies=None):
        """Recompute the scores of the current user's companies (or ``companies``).

        Incremental by default: the purchase days of the partners whose customer invoices or
        credit notes changed since the company's last run (and of ``partner_ids``, commercial
        partners or their contacts) are read again from the invoice lines, then every customer
        of the company is aggregated and ranked again. A company never computed before, or
        ``full=True``, reads all its invoice lines again. Managers only."""
        if not self.env.su and not self.env.user.has_group("crm_value.group_crm_value_manager"):
            raise AccessError(
                self.env._("Only Customer Value managers may recompute the customer value scores.")
            )
        if companies is None:
            companies = self.env.companies
        # sudo: access checked above; the scores of every customer of the company are written
        # set-based, whatever records the manager may see.
        score = self.sudo()
        commercial_ids = None
        if partner_ids:
            commercial_ids = (
                self.env["res.partner"].sudo().browse(partner_ids).exists().commercial_partner_id.ids
            )
        return score._crm_value_run(companies.sudo(), full=full, partner_ids=commercial_ids)

    @api.model
    def action_crm_value_recompute(self):
        """The ranking's *Recompute Now* button: an incremental recompute of the manager's
        companies (``_recompute`` refuses anyone else), then the list reloads."""
        self._recompute()
        return {"type": "ir.actions.client", "tag": "soft_reload"}

    @api.model
    def _cron_recompute(self):
        """Daily: incremental recompute of every company, the least recently computed first;
        one commit per company outside tests, so a crash resumes with the companies left."""
        # every company, a few records: nothing to page
        companies = self.env["res.company"].search([], order="id")  # pylint: disable=no-search-all
        companies = companies.sorted(
            lambda company: (
                bool(company.crm_value_last_run),
                company.crm_value_last_run or fields.Datetime.now(),
            )
        )
        return self.sudo()._crm_value_run(companies, commit=True)

    def _crm_value_run(self, companies, full=False, partner_ids=None, commit=False):
        as_of = fields.Date.context_today(self)
        cron = self.env["ir.cron"]
        done = 0
        for company in companies:
            started = self.env.cr.now()
            self.env.cr.execute(SQL("SELECT pg_advisory_xact_lock(%s, %s)", ADVISORY_LOCK_KEY, company.id))
            refresh_ids = partner_days = None
            if not full and company.crm_value_last_run:
                refresh_ids, partner_days = self._crm_value_changes(company)
                refresh_ids.update(partner_ids or ())
            with self._crm_value_planner_settings():
                self._crm_value_compute(company, as_of, partner_ids=refresh_ids, partner_days=partner_days)
                self._crm_value_store(company, as_of)
            company.crm_value_last_run = started
            _logger.info(
                "crm_value: scores of %s computed as of %s (%s)",
                company.name,
                as_of,
                "all invoices read"
                if refresh_ids is None
                else f"{len(refresh_ids)} partners and {len(partner_days)} other partners' days re-read",
            )
            done += 1
            cron._notify_progress(done=done, remaining=len(companies) - done)
            if commit and not getattr(threading.current_thread(), "testing", False):
                self.env.cr.commit()  # pylint: disable=invalid-commit
        return True

    # ------------------------------------------------------------------
    # Steps (reused by the snapshots: compute into crm_value_calc, then store)
    # ------------------------------------------------------------------
    def _crm_value_changed_partner_ids(self, company):
        """Commercial partners of the company's customer invoices and credit notes (and of the
        invoices they reverse) written since its last run, in any state (a reset to draft or a
        cancellation changes the purchases too)."""
        whole, partner_days = self._crm_value_changes(company)
        return sorted(whole | {partner for partner, _day in partner_days})

    def _crm_value_changes(self, company):
        """What the company's next incremental run reads again: ``(partner_ids, partner_days)``.

        The customer invoices and credit notes (and the invoices they reverse) written since
        the company's last run, in any state (a reset to draft or a cancellation changes the
        purchases too), in one statement over ``account_move_crm_value_changed_index``:

        - a document **created after the last run started** was never read by it (its
          transaction began later, so the run could not see it): only its own day is read
          again, ``(commercial partner, day)`` in ``partner_days`` (a credit note's day is the
          one of the invoice it reverses);
        - any other document may have changed its date, partner or lines since it was read:
          every day of its commercial partner is read again (``partner_ids``).
        """
        self._crm_value_flush_sources()
        last_run = company.crm_value_last_run
        self.env.cr.execute(
            SQL(
                """
                WITH changed AS (
                    SELECT am.id, am.partner_id, am.create_date, am.reversed_entry_id,
                           am.invoice_date
                      FROM account_move am
                     WHERE am.company_id = %(company)s
                       AND am.move_type IN ('out_invoice', 'out_refund')
                       AND am.write_date >= %(since)s
                )
                SELECT partner.commercial_partner_id, changed.create_date > %(last_run)s,
                       COALESCE(origin.invoice_date, changed.invoice_date)
                  FROM changed
                  JOIN res_partner partner ON partner.id = changed.partner_id
             LEFT JOIN account_move origin ON origin.id = changed.reversed_entry_id
                 UNION
                SELECT origin_partner.commercial_partner_id, changed.create_date > %(last_run)s,
                       origin.invoice_date
                  FROM changed
                  JOIN account_move origin ON origin.id = changed.reversed_entry_id
                  JOIN res_partner origin_partner ON origin_partner.id = origin.partner_id
                """,
                company=company.id,
                since=last_run - INCREMENTAL_MARGIN,
                last_run=last_run,
            )
        )
        whole = set()
        partner_days = set()
        for partner_id, is_new, day in self.env.cr.fetchall():
            if is_new and day:
                partner_days.add((partner_id, day))
            else:
                whole.add(partner_id)
        return whole, {(partner, day) for partner, day in partner_days if partner not in whole}

    @api.model
    def _crm_value_days_condition(self, partner, day, partner_ids, partner_days):
        """SQL condition on the columns ``partner`` and ``day``: every day of ``partner_ids``,
        and the (partner, day) pairs of ``partner_days``."""
        return SQL(
            "(%s = ANY(%s) OR (%s, %s) IN (SELECT * FROM unnest(%s::integer[], %s::date[])))",
            partner,
            list(partner_ids or ()),
            partner,
            day,
            [partner_id for partner_id, _day in partner_days],
            [day_value for _partner_id, day_value in partner_days],
        )

    @contextmanager
    def _crm_value_planner_settings(self):
        """JIT off and more memory for sorts and hashes during one company's run, then as they
        were. The statements of a run aggregate a few hundred thousand rows each, and the
        planner's estimates of their CTEs (e.g. 100 categories per purchase day) put them above
        ``jit_above_cost``: PostgreSQL then spent more time compiling them than running them
        (20,000 partners: 1.2 s of JIT for a 0.4 s aggregation; tests/bench/bench_value.py)."""
        cr = self.env.cr
        cr.execute("SELECT current_setting('jit'), current_setting('work_mem')")
        jit, work_mem = cr.fetchone()
        cr.execute("SET LOCAL jit = off; SET LOCAL work_mem = '128MB'")
        try:
            yield
        finally:
            cr.execute(
                SQL("SELECT set_config('jit', %s, true), set_config('work_mem', %s, true)", jit, work_mem)
            )

    def _crm_value_windows(self, company, as_of):
        period = company.crm_value_period_months or 12
        history = max(company.crm_value_history_months or 36, period)
        period_from = as_of - relativedelta(months=period)
        return {
            "as_of": as_of,
            "period_from": period_from,
            "previous_from": as_of - relativedelta(months=2 * period),
            "history_from": as_of - relativedelta(months=history),
            "period_months": period,
            "history_months": history,
        }

    def _crm_value_refresh_days(self, company, windows, partner_ids=None, partner_days=None):
        """Rewrite the company's purchase days (all; or every day of ``partner_ids`` and the
        (partner, day) pairs of ``partner_days``): 2 statements. Runs inside
        ``_crm_value_planner_settings`` (JIT off)."""
        self._crm_value_flush_sources()
        date_from = min(windows["history_from"], windows["previous_from"]) + timedelta(days=1)
        where = SQL("company_id = %s", company.id)
        if partner_days:
            where = SQL(
                "%s AND %s",
                where,
                self._crm_value_days_condition(
                    SQL.identifier("partner_id"), SQL.identifier("day"), partner_ids, partner_days
                ),
            )
        elif partner_ids is not None:
            where = SQL("%s AND partner_id = ANY(%s)", where, list(partner_ids))
        self.env.cr.execute(SQL("DELETE FROM crm_value_purchase_day WHERE %s", where))
        if partner_ids is not None and not partner_ids and not partner_days:
            return
        # A full run reads every line: the planner, misled by the row estimates of the CTEs,
        # still picks one index lookup per line for the sale-line and COGS joins. Hash joins
        # for this statement only, then as they were (20,000 partners / 400,000 lines:
        # 11.6 s -> 7.5 s). An incremental run reads
        # a few customers' lines, for which the index lookups are right.
        planner = None
        if partner_ids is None and not partner_days:
            self.env.cr.execute("SELECT current_setting('enable_nestloop')")
            planner = self.env.cr.fetchone()[0]
            self.env.cr.execute("SET LOCAL enable_nestloop = off")
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO crm_value_purchase_day
                       (company_id, partner_id, day, revenue, margin, is_purchase, lines_cogs, lines_sale,
                        lines_standard, lines_none, revenue_estimated, categ_ids)
                SELECT %(company)s, days.partner_id, days.day, days.revenue, days.margin, days.is_purchase,
                       days.lines_cogs, days.lines_sale, days.lines_standard, days.lines_none,
                       days.revenue_estimated, to_jsonb(days.categ_ids)
                  FROM (%(days)s) days
                """,
                company=company.id,
                days=self._crm_value_purchase_days_sql(
                    company, date_from, None, partner_ids=partner_ids, partner_days=partner_days
                ),
            )
        )
        if planner:
            self.env.cr.execute(SQL("SELECT set_config('enable_nestloop', %s, true)", planner))
        self.env["crm.value.purchase.day"].invalidate_model()

    def _crm_value_compute(self, company, as_of, partner_ids=None, refresh=True, partner_days=None):
        """Fill the temporary table ``crm_value_calc`` with every score column of every customer
        of ``company`` as of ``as_of``, in a constant number of statements.

        ``partner_ids``: None re-reads all the company's invoice lines; a collection re-reads
        only these commercial partners' lines (and, with ``partner_days``, these (partner, day)
        pairs); everyone is aggregated and ranked again.
        ``refresh=False`` reads the purchase days as kept (``crm.value.purchase.day``) without
        touching the invoice lines: for a series of past dates (snapshots), refresh once with
        ``_crm_value_refresh_days`` for the oldest window, then compute each date."""
        windows = self._crm_value_windows(company, as_of)
        if refresh:
            self._crm_value_refresh_days(company, windows, partner_ids=partner_ids, partner_days=partner_days)
        self.env["crm.value.score"].flush_model()
        params = dict(windows, company=company.id, currency=company.currency_id.id)
        cr = self.env.cr
        cr.execute(SQL("DROP TABLE IF EXISTS crm_value_calc; DROP TABLE IF EXISTS crm_value_calc_company"))
        # 1. aggregates per partner
        cr.execute(
            SQL(
                """
            CREATE TEMPORARY TABLE crm_value_calc ON COMMIT DROP AS
            WITH d AS (
                SELECT * FROM crm_value_purchase_day
                 WHERE company_id = %(company)s
                   AND day > LEAST(%(history_from)s::date, %(previous_from)s::date) AND day <= %(as_of)s
            ),
            agg AS (
                SELECT partner_id,
                       SUM(revenue) FILTER (WHERE day > %(period_from)s) AS revenue_period,
                       SUM(margin) FILTER (WHERE day > %(period_from)s) AS margin_period,
                       SUM(revenue) FILTER (WHERE day > %(previous_from)s AND day <= %(period_from)s)
                           AS revenue_previous,
                       SUM(margin) FILTER (WHERE day > %(previous_from)s AND day <= %(period_from)s)
                           AS margin_previous,
                       COUNT(*) FILTER (WHERE is_purchase AND day > %(period_from)s) AS purchase_count,
                       COUNT(*) FILTER (WHERE is_purchase AND day > %(previous_from)s
                                        AND day <= %(period_from)s) AS purchases_previous,
                       SUM(revenue) FILTER (WHERE day > %(history_from)s) AS revenue_total,
                       SUM(margin) FILTER (WHERE day > %(history_from)s) AS margin_total,
                       COUNT(*) FILTER (WHERE is_purchase AND day > %(history_from)s) AS purchase_count_total,
                       SUM(margin) FILTER (WHERE is_purchase AND day > %(history_from)s)
                           AS purchase_margin_total,
                       (ARRAY_AGG(margin ORDER BY day) FILTER (WHERE is_purchase
                           AND day > %(history_from)s))[1]
                           AS first_purchase_margin,
                       MIN(day) FILTER (WHERE is_purchase AND day > %(history_from)s) AS first_purchase_date,
                       MAX(day) FILTER (WHERE is_purchase AND day > %(history_from)s) AS last_purchase_date,
                       (ARRAY_AGG(day ORDER BY day DESC) FILTER (WHERE is_purchase
                           AND day > %(history_from)s))[2]
                           AS previous_purchase_date,
                       SUM(lines_cogs) FILTER (WHERE day > %(history_from)s) AS lines_cogs,
                       SUM(lines_sale) FILTER (WHERE day > %(history_from)s) AS lines_sale,
                       SUM(lines_standard) FILTER (WHERE day > %(history_from)s) AS lines_standard,
                       SUM(lines_none) FILTER (WHERE day > %(history_from)s) AS lines_none,
                       SUM(revenue_estimated) FILTER (WHERE day > %(history_from)s) AS revenue_estimated
                  FROM d
              GROUP BY partner_id
            ),
            categories AS (
                SELECT d.partner_id,
                       COUNT(DISTINCT categ.value) FILTER (WHERE d.day > %(period_from)s)
                           AS categories_period,
                       COUNT(DISTINCT categ.value) FILTER (WHERE d.day <= %(period_from)s
                                                           AND d.day > %(previous_from)s)
                                                               AS categories_previous
                  FROM d, jsonb_array_elements_text(d.categ_ids) categ
              GROUP BY d.partner_id
            ),
            population AS (
                SELECT partner_id FROM agg
                 UNION
                SELECT partner_id FROM crm_value_score WHERE company_id = %(company)s
            )
            SELECT population.partner_id,
                   %(as_of)s::date AS as_of_date,
                   COALESCE(agg.revenue_period, 0)::numeric AS revenue_period,
                   COALESCE(agg.margin_period, 0)::numeric AS margin_period,
                   COALESCE(agg.revenue_previous, 0)::numeric AS revenue_previous,
                   COALESCE(agg.margin_previous, 0)::numeric AS margin_previous,
                   COALESCE(agg.purchase_count, 0)::integer AS purchase_count,
                   COALESCE(agg.purchases_previous, 0)::integer AS purchases_previous,
                   COALESCE(categories.categories_period, 0)::integer AS categories_period,
                   COALESCE(categories.categories_previous, 0)::integer AS categories_previous,
                   COALESCE(agg.revenue_total, 0)::numeric AS revenue_total,
                   COALESCE(agg.margin_total, 0)::numeric AS margin_total,
                   COALESCE(agg.purchase_count_total, 0)::integer AS purchase_count_total,
                   agg.first_purchase_date,
                   agg.last_purchase_date,
                   agg.previous_purchase_date,
                   CASE WHEN agg.purchase_count_total > 1
                        THEN ((agg.purchase_margin_total - agg.first_purchase_margin)
                              / (agg.purchase_count_total - 1))::numeric END AS repeat_margin_avg,
                   CASE WHEN agg.purchase_count_total > 1
                        THEN (agg.last_purchase_date - agg.first_purchase_date)::numeric
                             / (agg.purchase_count_total - 1) END AS own_interval_days,
                   (%(as_of)s::date - agg.last_purchase_date) AS recency_days,
                   COALESCE(agg.lines_cogs, 0)::integer AS lines_cogs,
                   COALESCE(agg.lines_sale, 0)::integer AS lines_sale,
                   COALESCE(agg.lines_standard, 0)::integer AS lines_standard,
                   COALESCE(agg.lines_none, 0)::integer AS lines_none,
                   COALESCE(agg.revenue_estimated, 0)::numeric AS revenue_estimated,
                   NULL::numeric AS basis,
                   NULL::integer AS abc_rank,
                   NULL::numeric AS share_before,
                   NULL::numeric AS cumulative_share,
                   NULL::varchar AS abc_class,
                   NULL::varchar AS abc_rule,
                   NULL::integer AS rfm_population,
                   NULL::integer AS rfm_recency,
                   NULL::integer AS rfm_frequency,
                   NULL::integer AS rfm_monetary,
                   NULL::integer AS rfm_segment,
                   NULL::numeric AS growth_revenue,
                   NULL::numeric AS growth_margin,
                   NULL::numeric AS growth_purchases,
                   NULL::numeric AS growth_categories,
                   NULL::numeric AS index_revenue,
                   NULL::numeric AS index_margin,
                   NULL::numeric AS index_purchases,
                   NULL::numeric AS index_categories,
                   NULL::numeric AS development_index,
                   NULL::numeric AS expected_interval_days,
                   NULL::varchar AS interval_source,
                   NULL::numeric AS churn_ratio,
                   NULL::numeric AS gap_ratio,
                   NULL::varchar AS churn_state,
                   NULL::varchar AS churn_rule,
                   NULL::jsonb AS churn_signals,
                   NULL::varchar AS churn_base_state,
                   NULL::integer AS service_rule_id,
                   NULL::varchar AS service_tier,
                   NULL::numeric AS benefit_index,
                   NULL::jsonb AS benefit_components,
                   NULL::jsonb AS inputs,
                   %(method_version)s::varchar AS method_version
              FROM population
         LEFT JOIN agg ON agg.partner_id = population.partner_id
         LEFT JOIN categories ON categories.partner_id = population.partner_id
            """,
                method_version=METHOD_VERSION,
                **params,
            )
        )
        # 2. ranks: ABC running share (positive values only) and RFM quintiles
        basis = "margin_period" if company.crm_value_abc_basis != "revenue" else "revenue_period"
        cr.execute(
            SQL(
                """
            UPDATE crm_value_calc calc
               SET basis = ranked.basis,
                   abc_rank = ranked.abc_rank,
                   share_before = ranked.share_before,
                   cumulative_share = ranked.cumulative_share,
                   rfm_population = ranked.rfm_population,
                   rfm_recency = ranked.rfm_recency,
                   rfm_frequency = ranked.rfm_frequency,
                   rfm_monetary = ranked.rfm_monetary
              FROM (
                SELECT partner_id, basis,
                       CASE WHEN basis > 0 THEN ROW_NUMBER() OVER w_abc END AS abc_rank,
                       CASE WHEN basis > 0 THEN
                           100.0 * COALESCE(SUM(basis) OVER (w_abc ROWS BETWEEN UNBOUNDED PRECEDING
                               AND 1 PRECEDING), 0)
                           / SUM(basis) OVER (PARTITION BY basis > 0) END AS share_before,
                       CASE WHEN basis > 0 THEN 100.0 * SUM(basis) OVER (w_abc ROWS UNBOUNDED PRECEDING)
                                                / SUM(basis) OVER (PARTITION BY basis > 0)
                            ELSE 100.0 END AS cumulative_share,
                       CASE WHEN has_purchase THEN COUNT(*) OVER (PARTITION BY has_purchase) END
                           AS rfm_population,
                       CASE WHEN has_purchase THEN LEAST(5, 1 + FLOOR(
                           5.0 * (RANK() OVER (PARTITION BY has_purchase ORDER BY recency_days DESC) - 1)
                           / COUNT(*) OVER (PARTITION BY has_purchase))) END AS rfm_recency,
                       CASE WHEN has_purchase THEN LEAST(5, 1 + FLOOR(
                           5.0 * (RANK() OVER (PARTITION BY has_purchase ORDER BY purchase_count) - 1)
                           / COUNT(*) OVER (PARTITION BY has_purchase))) END AS rfm_frequency,
                       CASE WHEN has_purchase THEN LEAST(5, 1 + FLOOR(
                           5.0 * (RANK() OVER (PARTITION BY has_purchase ORDER BY margin_period) - 1)
                           / COUNT(*) OVER (PARTITION BY has_purchase))) END AS rfm_monetary
                  FROM (
                    SELECT partner_id, recency_days, purchase_count, margin_period,
                           %(basis)s AS basis,
                           last_purchase_date IS NOT NULL AS has_purchase
                      FROM crm_value_calc
                  ) base
                WINDOW w_abc AS (PARTITION BY basis > 0 ORDER BY basis DESC, partner_id)
              ) ranked
             WHERE ranked.partner_id = calc.partner_id
            """,
                basis=SQL.identifier(basis),
            )
        )
        # 3. the company's figures: growth of the whole company, median interval, RFM cut points
        cr.execute(
            SQL(
                """
            CREATE TEMPORARY TABLE crm_value_calc_company ON COMMIT DROP AS
            SELECT SUM(revenue_period) AS revenue_period, SUM(revenue_previous) AS revenue_previous,
                   SUM(margin_period) AS margin_period, SUM(margin_previous) AS margin_previous,
                   SUM(purchase_count) AS purchases_period, SUM(purchases_previous) AS purchases_previous,
                   (SELECT COUNT(DISTINCT categ.value)
                      FROM crm_value_purchase_day d, jsonb_array_elements_text(d.categ_ids) categ
                     WHERE d.company_id = %(company)s AND d.day > %(period_from)s AND d.day <= %(as_of)s
                   ) AS categories_period,
                   (SELECT COUNT(DISTINCT categ.value)
                      FROM crm_value_purchase_day d, jsonb_array_elements_text(d.categ_ids) categ
                     WHERE d.company_id = %(company)s AND d.day > %(previous_from)s
                         AND d.day <= %(period_from)s
                   ) AS categories_previous,
                   SUM(basis) FILTER (WHERE basis > 0) AS basis_total,
                   COUNT(*) FILTER (WHERE basis > 0) AS basis_customers,
                   PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY own_interval_days)
                       FILTER (WHERE own_interval_days IS NOT NULL) AS median_interval_days,
                   ARRAY[MAX(recency_days) FILTER (WHERE rfm_recency >= 2),
                         MAX(recency_days) FILTER (WHERE rfm_recency >= 3),
                         MAX(recency_days) FILTER (WHERE rfm_recency >= 4),
                         MAX(recency_days) FILTER (WHERE rfm_recency >= 5)] AS recency_cuts,
                   ARRAY[MIN(purchase_count) FILTER (WHERE rfm_frequency >= 2),
                         MIN(purchase_count) FILTER (WHERE rfm_frequency >= 3),
                         MIN(purchase_count) FILTER (WHERE rfm_frequency >= 4),
                         MIN(purchase_count) FILTER (WHERE rfm_frequency >= 5)] AS frequency_cuts,
                   ARRAY[MIN(margin_period) FILTER (WHERE rfm_monetary >= 2),
                         MIN(margin_period) FILTER (WHERE rfm_monetary >= 3),
                         MIN(margin_period) FILTER (WHERE rfm_monetary >= 4),
                         MIN(margin_period) FILTER (WHERE rfm_monetary >= 5)] AS monetary_cuts
              FROM crm_value_calc
            """,
                **params,
            )
        )
        # 4. classes, development index, churn
        growth = (
            "CASE WHEN ABS({cur}) + ABS({prev}) = 0 THEN 0"
            " ELSE ({cur} - {prev}) / ((ABS({cur}) + ABS({prev})) / 2.0) END"
        )
        metric_sql = {
            "revenue": (
                "calc.revenue_period",
                "calc.revenue_previous",
                "co.revenue_period",
                "co.revenue_previous",
            ),
            "margin": (
                "calc.margin_period",
                "calc.margin_previous",
                "co.margin_period",
                "co.margin_previous",
            ),
            "purchases": (
                "calc.purchase_count",
                "calc.purchases_previous",
                "co.purchases_period",
                "co.purchases_previous",
            ),
            "categories": (
                "calc.categories_period",
                "calc.categories_previous",
                "co.categories_period",
                "co.categories_previous",
            ),
        }
        assignments = []
        for metric, (cur, prev, co_cur, co_prev) in metric_sql.items():
            customer_growth = growth.format(cur=cur, prev=prev)
            company_growth = growth.format(cur=f"COALESCE({co_cur}, 0)", prev=f"COALESCE({co_prev}, 0)")
            assignments.append(f"growth_{metric} = {customer_growth}")
            assignments.append(
                f"index_{metric} = LEAST(200, GREATEST(0, "
                f"100 + 50 * (({customer_growth}) - ({company_growth}))))"
            )
        cr.execute(
            SQL(
                "UPDATE crm_value_calc calc SET %s FROM crm_value_calc_company co",
                SQL(", ".join(assignments)),  # only the constant expressions above, no input
            )
        )
        weights = {
            "revenue": company.crm_value_dev_weight_revenue,
            "margin": company.crm_value_dev_weight_margin,
            "purchases": company.crm_value_dev_weight_purchases,
            "categories": company.crm_value_dev_weight_categories,
        }
        weight_total = sum(weights.values()) or 1.0
        cr.execute(
            SQL(
                """
            UPDATE crm_value_calc calc
               SET development_index = ROUND(LEAST(200, GREATEST(0,
                       (%(w_revenue)s * index_revenue + %(w_margin)s * index_margin
                        + %(w_purchases)s * index_purchases + %(w_categories)s * index_categories)
                       / %(w_total)s))::numeric, 1),
                   abc_class = CASE WHEN basis <= 0 THEN 'N'
                                    WHEN share_before < %(a_share)s THEN 'A'
                                    WHEN share_before < %(b_share)s THEN 'B'
                                    ELSE 'C' END,
                   abc_rule = CASE WHEN basis <= 0 THEN 'value_not_positive'
                                   WHEN share_before < %(a_share)s THEN 'share_before_below_a'
                                   WHEN share_before < %(b_share)s THEN 'share_before_below_b'
                                   ELSE 'share_before_from_b' END,
                   expected_interval_days = ROUND(COALESCE(own_interval_days,
                       co.median_interval_days::numeric,
                                                           %(fallback)s), 1),
                   interval_source = CASE WHEN own_interval_days IS NOT NULL THEN 'own_mean'
                                          WHEN co.median_interval_days IS NOT NULL THEN 'company_median'
                                          ELSE 'fallback' END
              FROM crm_value_calc_company co
            """,
                w_revenue=weights["revenue"],
                w_margin=weights["margin"],
                w_purchases=weights["purchases"],
                w_categories=weights["categories"],
                w_total=weight_total,
                a_share=company.crm_value_abc_a_share,
                b_share=company.crm_value_abc_b_share,
                fallback=FALLBACK_INTERVAL_DAYS,
            )
        )
        cr.execute(
            SQL(
                """
            UPDATE crm_value_calc calc
               SET churn_ratio = CASE WHEN last_purchase_date IS NOT NULL
                                      THEN ROUND(recency_days / NULLIF(expected_interval_days, 0), 3) END,
                   gap_ratio = CASE WHEN previous_purchase_date IS NOT NULL
                                    THEN ROUND((last_purchase_date - previous_purchase_date)
                                               / NULLIF(COALESCE(co.median_interval_days::numeric,
                                                   %(fallback)s), 0), 3)
                               END
              FROM crm_value_calc_company co
            """,
                fallback=FALLBACK_INTERVAL_DAYS,
            )
        )
        cr.execute(
            SQL(
                """
            UPDATE crm_value_calc
               SET churn_state = CASE
                       WHEN last_purchase_date IS NULL THEN 'lost'
                       WHEN churn_ratio >= %(lost)s THEN 'lost'
                       WHEN churn_ratio >= %(dormant)s THEN 'dormant'
                       WHEN churn_ratio >= %(at_risk)s THEN 'at_risk'
                       WHEN first_purchase_date > %(period_from)s THEN 'new'
                       WHEN gap_ratio >= %(dormant)s THEN 'reactivated'
                       ELSE 'active' END,
                   churn_rule = CASE
                       WHEN last_purchase_date IS NULL THEN 'no_purchase_in_history'
                       WHEN churn_ratio >= %(lost)s THEN 'ratio_from_lost'
                       WHEN churn_ratio >= %(dormant)s THEN 'ratio_from_dormant'
                       WHEN churn_ratio >= %(at_risk)s THEN 'ratio_from_at_risk'
                       WHEN first_purchase_date > %(period_from)s THEN 'first_purchase_in_period'
                       WHEN gap_ratio >= %(dormant)s THEN 'bought_again_after_dormant_gap'
                       ELSE 'ratio_below_at_risk' END
            """,
                lost=company.crm_value_churn_lost_ratio,
                dormant=company.crm_value_churn_dormant_ratio,
                at_risk=company.crm_value_churn_at_risk_ratio,
                period_from=windows["period_from"],
            )
        )
        self._crm_value_apply_churn_signals(company, as_of)
        # 5. RFM segment and service tier from their editable grids (first matching row wins).
        # The segment is looked up once per (R, F) pair of the 5x5 grid, then joined; the tier
        # rule is the first matching row per customer. One rewrite of the table for both.
        cr.execute(
            SQL(
                """
            WITH grid AS (
                SELECT r.score AS recency, f.score AS frequency,
                       (SELECT seg.id FROM crm_value_rfm_segment seg
                         WHERE seg.active
                           AND r.score BETWEEN seg.recency_min AND seg.recency_max
                           AND f.score BETWEEN seg.frequency_min AND seg.frequency_max
                      ORDER BY seg.sequence, seg.id LIMIT 1) AS segment_id
                  FROM generate_series(1, 5) r(score), generate_series(1, 5) f(score)
            ),
            tier AS (
                SELECT DISTINCT ON (c.partner_id) c.partner_id, rule.id AS rule_id, rule.service_tier
                  FROM crm_value_calc c
                  JOIN crm_value_service_tier_rule rule
                    ON rule.active
                   AND (rule.company_id IS NULL OR rule.company_id = %(company)s)
                   AND rule.abc_class = c.abc_class
                   AND c.development_index >= COALESCE(rule.development_min, 0)
                   AND c.development_index <= COALESCE(rule.development_max, 200)
              ORDER BY c.partner_id, rule.company_id IS NULL, rule.sequence, rule.id
            )
            UPDATE crm_value_calc calc
               SET rfm_segment = grid.segment_id,
                   service_rule_id = tier.rule_id,
                   service_tier = tier.service_tier
              FROM crm_value_calc base
         LEFT JOIN grid ON grid.recency = base.rfm_recency AND grid.frequency = base.rfm_frequency
         LEFT JOIN tier ON tier.partner_id = base.partner_id
             WHERE base.partner_id = calc.partner_id
               AND (grid.segment_id IS NOT NULL OR tier.rule_id IS NOT NULL)
            """,
                company=company.id,
            )
        )
        # 6. benefit index from its hook (one statement whatever the number of partners); an
        # incremental run on the day of the last run computes it for the partners read again only
        benefit_ids = self._crm_value_benefit_reuse(company, as_of, partner_ids, partner_days)
        benefit = self._crm_value_benefit_index(company, as_of, partner_ids=benefit_ids) or {}
        if benefit:
            partners = list(benefit)
            cr.execute(
                SQL(
                    """
                UPDATE crm_value_calc calc
                   SET benefit_index = b.benefit_index, benefit_components = b.components::jsonb
                  FROM unnest(%s::integer[], %s::numeric[], %s::text[]) AS b(partner_id, benefit_index,
                      components)
                 WHERE b.partner_id = calc.partner_id
                """,
                    partners,
                    [benefit[partner][0] for partner in partners],
                    [json.dumps(benefit[partner][1] or {}) for partner in partners],
                )
            )

    def _crm_value_benefit_reuse(self, company, as_of, partner_ids, partner_days):
        """Before the benefit index of an incremental run: when every score of ``company`` was
        computed as of ``as_of`` already (a second run the same day), copy the stored benefit
        index of the partners whose invoices and benefits did not change since the last run
        into ``crm_value_calc`` and return the partners to compute (those read again, and those
        ``_crm_value_benefit_changed_partner_ids`` returns: benefit records, or the records of
        other addons' components, written since); else None: compute everyone's.

        The benefit components read the invoices, credit notes and payments of the value
        period as of ``as_of`` (a payment rewrites its invoice, so its partner is read again)
        and the ``crm.value.benefit`` records; their settings clear the company's last run."""
        if partner_ids is None or not company.crm_value_last_run:
            return None
        cr = self.env.cr
        cr.execute(
            SQL(
                "SELECT COUNT(*) > 0 AND bool_and(as_of_date = %s)"
                " FROM crm_value_score WHERE company_id = %s",
                as_of,
                company.id,
            )
        )
        if not cr.fetchone()[0]:
            return None
        computed = set(partner_ids) | {partner for partner, _day in partner_days or ()}
        computed.update(
            self._crm_value_benefit_changed_partner_ids(
                company, company.crm_value_last_run - INCREMENTAL_MARGIN
            )
        )
        cr.execute(
            SQL(
                """
                UPDATE crm_value_calc calc
                   SET benefit_index = score.benefit_index,
                       benefit_components = score.inputs -> 'benefit' -> 'components'
                  FROM crm_value_score score
                 WHERE score.company_id = %s AND score.partner_id = calc.partner_id
                   AND NOT calc.partner_id = ANY(%s)
                """,
                company.id,
                sorted(computed),
            )
        )
        return computed

    def _crm_value_benefit_changed_partner_ids(self, company, since):
        """Commercial partners of ``company`` whose benefit components may have changed since
        ``since`` for another reason than their invoices (read again anyway): their benefit index
        is computed again by the second run of a day instead of copied.

        Override me (call super) when a component reads other records: return the commercial
        partners of those records written since ``since``, in one query. Base: the partners of
        the ``crm.value.benefit`` records written since."""
        self.env["crm.value.benefit"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT DISTINCT rp.commercial_partner_id
                  FROM crm_value_benefit b
                  JOIN res_partner rp ON rp.id = b.partner_id
                 WHERE b.company_id = %s AND b.write_date >= %s
                """,
                company.id,
                since,
            )
        )
        return {row[0] for row in self.env.cr.fetchall()}

    def _crm_value_inputs_sql(self, company, as_of):
        """The ``inputs`` of each score (every raw value, threshold, cut point and rule, for "Why
        this score?"): a jsonb expression over ``crm_value_calc calc`` and
        ``crm_value_calc_company co``, built by the statement that stores the scores."""
        windows = self._crm_value_windows(company, as_of)
        weights = {
            "revenue": company.crm_value_dev_weight_revenue,
            "margin": company.crm_value_dev_weight_margin,
            "purchases": company.crm_value_dev_weight_purchases,
            "categories": company.crm_value_dev_weight_categories,
        }
        return SQL(
            """
        jsonb_build_object(
            'method_version', calc.method_version,
            'as_of', calc.as_of_date,
            'windows', jsonb_build_object(
                'period_months', %(period_months)s::integer, 'history_months',
                    %(history_months)s::integer,
                'period', jsonb_build_array(%(period_from)s::date + 1, %(as_of)s::date),
                'previous_period', jsonb_build_array(%(previous_from)s::date + 1, %(period_from)s::date),
                'history', jsonb_build_array(%(history_from)s::date + 1, %(as_of)s::date)),
            'values', jsonb_build_object(
                'revenue_period', calc.revenue_period, 'margin_period', calc.margin_period,
                'revenue_previous', calc.revenue_previous, 'margin_previous', calc.margin_previous,
                'purchases_period', calc.purchase_count, 'purchases_previous', calc.purchases_previous,
                'categories_period', calc.categories_period, 'categories_previous',
                    calc.categories_previous,
                'revenue_total', calc.revenue_total, 'margin_total', calc.margin_total,
                'purchases_total', calc.purchase_count_total,
                'first_purchase_date', calc.first_purchase_date, 'last_purchase_date',
                    calc.last_purchase_date,
                'previous_purchase_date', calc.previous_purchase_date,
                'repeat_margin_avg', calc.repeat_margin_avg),
            'cost_sources', jsonb_build_object(
                'lines_cogs', calc.lines_cogs, 'lines_sale', calc.lines_sale,
                'lines_standard', calc.lines_standard, 'lines_none', calc.lines_none,
                'revenue_estimated', calc.revenue_estimated,
                'estimated_share', CASE WHEN calc.revenue_total <> 0
                    THEN ROUND(100 * calc.revenue_estimated / calc.revenue_total, 2) END),
            'abc', jsonb_build_object(
                'basis', %(basis)s::varchar, 'value', calc.basis, 'rank', calc.abc_rank,
                'ranked_customers', co.basis_customers, 'company_total', co.basis_total,
                'share_before', ROUND(calc.share_before, 4), 'cumulative_share',
                    ROUND(calc.cumulative_share, 4),
                'threshold_a', %(a_share)s::numeric, 'threshold_b', %(b_share)s::numeric,
                'class', calc.abc_class, 'rule', calc.abc_rule),
            'rfm', jsonb_build_object(
                'population', calc.rfm_population,
                'recency_days', calc.recency_days, 'frequency', calc.purchase_count,
                'monetary', calc.margin_period,
                'recency_cuts', to_jsonb(co.recency_cuts), 'frequency_cuts', to_jsonb(co.frequency_cuts),
                'monetary_cuts', to_jsonb(co.monetary_cuts),
                'recency', calc.rfm_recency, 'frequency_score', calc.rfm_frequency,
                'monetary_score', calc.rfm_monetary, 'segment_id', calc.rfm_segment,
                'rule', CASE WHEN calc.rfm_population IS NULL THEN 'no_purchase_in_history'
                             ELSE 'quintile_of_rank' END),
            'development', jsonb_build_object(
                'formula', 'sum(w_m * clamp(100 + 50 * (g_m - G_m), 0, 200)) / sum(w_m); '
                           'g = (current - previous) / ((|current| + |previous|) / 2), 0 when both are 0',
                'weights', jsonb_build_object('revenue', %(w_revenue)s::numeric, 'margin',
                    %(w_margin)s::numeric,
                                              'purchases', %(w_purchases)s::numeric,
                                              'categories', %(w_categories)s::numeric),
                'metrics', jsonb_build_object(
                    'revenue', jsonb_build_object('current', calc.revenue_period, 'previous',
                        calc.revenue_previous,
                        'company_current', co.revenue_period, 'company_previous', co.revenue_previous,
                        'growth', ROUND(calc.growth_revenue, 4), 'index', ROUND(calc.index_revenue, 2)),
                    'margin', jsonb_build_object('current', calc.margin_period, 'previous',
                        calc.margin_previous,
                        'company_current', co.margin_period, 'company_previous', co.margin_previous,
                        'growth', ROUND(calc.growth_margin, 4), 'index', ROUND(calc.index_margin, 2)),
                    'purchases', jsonb_build_object('current', calc.purchase_count,
                        'previous', calc.purchases_previous,
                        'company_current', co.purchases_period, 'company_previous', co.purchases_previous,
                        'growth', ROUND(calc.growth_purchases, 4), 'index', ROUND(calc.index_purchases,
                            2)),
                    'categories', jsonb_build_object('current', calc.categories_period,
                        'previous', calc.categories_previous,
                        'company_current', co.categories_period, 'company_previous',
                            co.categories_previous,
                        'growth', ROUND(calc.growth_categories, 4), 'index',
                            ROUND(calc.index_categories, 2))),
                'index', calc.development_index),
            'churn', jsonb_build_object(
                'days_since_last_purchase', calc.recency_days,
                'expected_interval_days', calc.expected_interval_days,
                'interval_source', calc.interval_source,
                'company_median_interval_days', ROUND(co.median_interval_days::numeric, 1),
                'fallback_interval_days', %(fallback)s::numeric,
                'ratio', calc.churn_ratio,
                'previous_gap_days', calc.last_purchase_date - calc.previous_purchase_date,
                'previous_gap_ratio', calc.gap_ratio,
                'thresholds', jsonb_build_object('at_risk', %(at_risk)s::numeric, 'dormant',
                    %(dormant)s::numeric,
                                                 'lost', %(lost)s::numeric),
                'state', calc.churn_state, 'rule', calc.churn_rule,
                'signals', COALESCE(calc.churn_signals, '[]'::jsonb),
                'state_before_signals', COALESCE(calc.churn_base_state, calc.churn_state)),
            'service_tier', jsonb_build_object(
                'abc_class', calc.abc_class, 'development_index', calc.development_index,
                'rule_id', calc.service_rule_id, 'tier', calc.service_tier,
                'rule', CASE WHEN calc.service_rule_id IS NULL THEN 'no_matching_rule'
                    ELSE 'matrix_row' END),
            'benefit', jsonb_build_object(
                'index', calc.benefit_index,
                'components', COALESCE(calc.benefit_components, '{}'::jsonb),
                'rule', CASE WHEN calc.benefit_index IS NULL THEN 'no_component_with_data'
                             ELSE 'weighted_mean_of_components' END))
        """,
            basis=company.crm_value_abc_basis or "margin",
            a_share=company.crm_value_abc_a_share,
            b_share=company.crm_value_abc_b_share,
            w_revenue=weights["revenue"],
            w_margin=weights["margin"],
            w_purchases=weights["purchases"],
            w_categories=weights["categories"],
            lost=company.crm_value_churn_lost_ratio,
            dormant=company.crm_value_churn_dormant_ratio,
            at_risk=company.crm_value_churn_at_risk_ratio,
            fallback=FALLBACK_INTERVAL_DAYS,
            **windows,
        )

    def _crm_value_store(self, company, as_of):
        """Upsert ``crm_value_calc`` into crm_value_score (rows whose values did not change are
        left alone), then run ``_crm_value_after_store``."""
        columns = SQL(", ").join(SQL.identifier(column) for column in SCORE_COLUMNS)
        inputs = self._crm_value_inputs_sql(company, as_of)
        values = SQL(", ").join(
            inputs if column == "inputs" else self._crm_value_calc_expression(column)
            for column in SCORE_COLUMNS
        )
        updates = SQL(", ").join(
            SQL("%s = EXCLUDED.%s", SQL.identifier(column), SQL.identifier(column))
            for column in SCORE_COLUMNS
        )
        compared = [column for column in SCORE_COLUMNS if column not in ("as_of_date",)]
        old = SQL(", ").join(SQL("crm_value_score.%s", SQL.identifier(column)) for column in compared)
        new = SQL(", ").join(SQL("EXCLUDED.%s", SQL.identifier(column)) for column in compared)
        # the partners whose score this statement writes (``_crm_value_stored_partner_ids``)
        self.env.cr.execute(
            "DROP TABLE IF EXISTS crm_value_stored;"
            " CREATE TEMPORARY TABLE crm_value_stored (partner_id integer) ON COMMIT DROP"
        )
        self.env.cr.execute(
            SQL(
                """
            WITH stored AS (
                INSERT INTO crm_value_score (partner_id, company_id, %(columns)s, computed_at,
                                             create_uid, create_date, write_uid, write_date)
                SELECT calc.partner_id, %(company)s, %(values)s, NOW() AT TIME ZONE 'UTC',
                       %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
                  FROM crm_value_calc calc CROSS JOIN crm_value_calc_company co
                ON CONFLICT (partner_id, company_id) DO UPDATE
                   SET %(updates)s, computed_at = EXCLUDED.computed_at,
                       write_uid = EXCLUDED.write_uid, write_date = EXCLUDED.write_date
                 WHERE (%(old)s) IS DISTINCT FROM (%(new)s)
             RETURNING partner_id
            )
            INSERT INTO crm_value_stored SELECT partner_id FROM stored
            """,
                columns=columns,
                values=values,
                updates=updates,
                old=old,
                new=new,
                company=company.id,
                uid=self.env.uid,
            )
        )
        self.env["crm.value.score"].invalidate_model()
        self._crm_value_after_store(company, as_of)

    @api.model
    def _crm_value_stored_partner_ids(self):
        """The partners whose score the last ``_crm_value_store`` of this transaction inserted
        or changed (None outside a recompute)."""
        self.env.cr.execute("SELECT to_regclass('pg_temp.crm_value_stored') IS NOT NULL")
        if not self.env.cr.fetchone()[0]:
            return None
        self.env.cr.execute("SELECT partner_id FROM crm_value_stored")
        return [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def _crm_value_calc_expression(self, column):
        if column in ("rfm_recency", "rfm_frequency", "rfm_monetary", "rfm_segment"):
            return SQL("calc.%s::integer", SQL.identifier(column))
        return SQL("calc.%s", SQL.identifier(column))
