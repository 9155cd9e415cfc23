"""Monthly snapshots of the scores: written from the recompute's temporary table crm_value_calc."""

import threading
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL

from .crm_value_score_engine import ADVISORY_LOCK_KEY


def month_end(day):
    """The last day of the month of ``day``."""
    return day + relativedelta(day=31)


def month_ends(date_from, date_to):
    """The month ends from the month of ``date_from`` to ``date_to`` (included), oldest first."""
    ends = []
    current = month_end(date_from)
    while current <= date_to:
        ends.append(current)
        current = month_end(current + timedelta(days=1))
    return ends


class CrmValueSnapshot(models.Model):
    _inherit = "crm.value.snapshot"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _crm_value_write_snapshots(self, company, as_of):
        """Upsert one snapshot per customer of ``company`` as of ``as_of`` from ``crm_value_calc``
        (filled by ``crm.value.score._crm_value_compute`` for that date), in one statement: the
        customers with invoiced days in the windows of that date (the recompute's population also
        holds the customers scored today, invoiced later). The
        lifetime value is the stored score's when it was computed as of that same day (the model
        is fitted on today's data only), else empty. Returns the number of rows written."""
        self.env["crm.value.score"].flush_model()
        windows = self.env["crm.value.score"]._crm_value_windows(company, as_of)
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO crm_value_snapshot
                       (partner_id, company_id, date, revenue_period, margin_period, purchase_count,
                        rfm_recency, rfm_frequency, rfm_monetary, abc_class, cumulative_share,
                        development_index, benefit_index, churn_state, clv,
                        create_uid, create_date, write_uid, write_date)
                SELECT calc.partner_id, %(company)s, %(as_of)s, calc.revenue_period, calc.margin_period,
                       calc.purchase_count, calc.rfm_recency::integer, calc.rfm_frequency::integer,
                       calc.rfm_monetary::integer, calc.abc_class, calc.cumulative_share,
                       calc.development_index, calc.benefit_index, calc.churn_state, score.clv,
                       %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
                  FROM crm_value_calc calc
             LEFT JOIN crm_value_score score
                    ON score.partner_id = calc.partner_id AND score.company_id = %(company)s
                   AND score.as_of_date = %(as_of)s
                 -- the customers invoiced by then (the recompute also keeps today's scored ones)
                 WHERE EXISTS (
                           SELECT 1 FROM crm_value_purchase_day day
                            WHERE day.company_id = %(company)s AND day.partner_id = calc.partner_id
                              AND day.day > %(since)s AND day.day <= %(as_of)s)
                ON CONFLICT (partner_id, company_id, date) DO UPDATE
                   SET revenue_period = EXCLUDED.revenue_period, margin_period = EXCLUDED.margin_period,
                       purchase_count = EXCLUDED.purchase_count, rfm_recency = EXCLUDED.rfm_recency,
                       rfm_frequency = EXCLUDED.rfm_frequency, rfm_monetary = EXCLUDED.rfm_monetary,
                       abc_class = EXCLUDED.abc_class, cumulative_share = EXCLUDED.cumulative_share,
                       development_index = EXCLUDED.development_index,
                       benefit_index = EXCLUDED.benefit_index, churn_state = EXCLUDED.churn_state,
                       clv = EXCLUDED.clv, write_uid = EXCLUDED.write_uid, write_date = EXCLUDED.write_date
                """,
                company=company.id,
                as_of=as_of,
                since=min(windows["history_from"], windows["previous_from"]),
                uid=self.env.uid,
            )
        )
        count = self.env.cr.rowcount
        self.invalidate_model()
        return count

    @api.model
    def _crm_value_snapshot_months(self, company, ends, overwrite=False):
        """Write the snapshots of ``company`` at the month ends ``ends`` (oldest first), one
        compute per month, committed per month outside tests. Months already written are skipped
        unless ``overwrite``, so a run stopped half-way continues where it stopped. The first month
        computed re-reads the company's invoice lines once (its window reaches furthest back); the
        next ones aggregate the purchase days already read. Returns the month ends written."""
        Score = self.env["crm.value.score"]
        done = []
        if not overwrite:
            self.flush_model()
            self.env.cr.execute(
                SQL(
                    "SELECT DISTINCT date FROM crm_value_snapshot WHERE company_id = %s AND date = ANY(%s)",
                    company.id,
                    list(ends),
                )
            )
            written = {row[0] for row in self.env.cr.fetchall()}
            ends = [end for end in ends if end not in written]
        for index, end in enumerate(ends):
            # the daily recompute of the company rewrites the same purchase days: one at a time
            self.env.cr.execute(SQL("SELECT pg_advisory_xact_lock(%s, %s)", ADVISORY_LOCK_KEY, company.id))
            with Score._crm_value_planner_settings():
                Score._crm_value_compute(company, end, partner_ids=None if index == 0 else set())
                self._crm_value_write_snapshots(company, end)
            done.append(end)
            self.env["ir.cron"]._notify_progress(done=index + 1, remaining=len(ends) - index - 1)
            self._crm_value_commit()
        return done

    @api.model
    def _crm_value_commit(self):
        # a month is done for good: a crash later does not undo it (never inside tests)
        if not getattr(threading.current_thread(), "testing", False):
            self.env.cr.commit()  # pylint: disable=invalid-commit

    @api.model
    def _cron_monthly_snapshot(self, today=None):
        """Monthly: the snapshots of every company at the last month end (the month just over),
        companies without them first; rerun safely (written months are skipped)."""
        today = today or fields.Date.context_today(self)
        end = date(today.year, today.month, 1) - timedelta(days=1)
        # sudo: a system job writing every customer's snapshot, whatever the cron user may see
        snapshots = self.sudo()
        for company in self.env["res.company"].sudo().search([("id", "!=", False)]):
            snapshots._crm_value_snapshot_months(company, [end])
        return True
