"""Churn signals: other addons' reasons to raise a customer's churn state to at least at risk."""

from odoo import api, fields, models
from odoo.tools import SQL

from .crm_value_score_engine import ADVISORY_LOCK_KEY

#: the churn states a signal raises to ``at_risk`` (``at_risk``, ``dormant`` and ``lost`` stay)
RAISED_STATES = ("new", "active", "reactivated")


class CrmValueScore(models.Model):
    _inherit = "crm.value.score"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # Extension point
    # ------------------------------------------------------------------
    @api.model
    def _crm_value_churn_signals(self, company, as_of):
        """The churn signals of ``company`` as of ``as_of``: a list of ``(rule_key, SQL)``.

        Override me (call super and append) to raise customers' churn state from other facts
        than their purchases (``crm_service`` adds an open case past its SLA and a poor rating)::

            def _crm_value_churn_signals(self, company, as_of):
                signals = super()._crm_value_churn_signals(company, as_of)
                signals.append(("my_signal", SQL("SELECT partner_id FROM ... WHERE ...")))
                return signals

        Each SQL selects one column ``partner_id``: the commercial partners of ``company``
        showing the signal as of ``as_of`` (one set-based query; the date matters: the monthly
        snapshots compute past month ends). Duplicates are fine: the query is read with ``IN``,
        so without DISTINCT or GROUP BY PostgreSQL joins it as a semi-join, and the raise of a
        few customers between two runs (``_crm_value_raise_churn_signals``) reads only theirs.
        ``rule_key`` is stable (stored in the score's ``inputs``;
        ``_crm_value_churn_signal_labels`` gives its words).

        The engine applies them after its churn step, in the order of the list, one UPDATE each:
        a customer whose state from its purchases is ``new``, ``active`` or ``reactivated``
        becomes ``at_risk`` and its churn rule becomes the key of the first signal that raised
        it; ``at_risk``, ``dormant`` and ``lost`` stay. Every signal found is listed in
        ``inputs['churn']['signals']``, the state from the purchases alone in
        ``inputs['churn']['state_before_signals']``. Signals are read again for every customer
        on each run, the incremental runs too: a signal that ends (the case resolved, the
        rating aged out) no longer raises the state on the next run.

        A query reading records that the engine does not flush flushes them itself (the list is
        built just before the queries run). Base: no signal.
        """
        return []

    @api.model
    def _crm_value_churn_signal_labels(self):
        """{rule key: its words}: how "Why this score?" names each churn signal. Override me with
        the keys of your ``_crm_value_churn_signals``; an unknown key is shown as is."""
        return {}

    # ------------------------------------------------------------------
    # Engine step
    # ------------------------------------------------------------------
    def _crm_value_apply_churn_signals(self, company, as_of):
        """Raise the churn state in ``crm_value_calc`` from the signals (one UPDATE per signal,
        only the rows of the customers showing it)."""
        for key, query in self._crm_value_churn_signals(company, as_of):
            self.env.cr.execute(
                SQL(
                    """
                UPDATE crm_value_calc calc
                   SET churn_signals = COALESCE(calc.churn_signals, '[]'::jsonb) || to_jsonb(%(key)s::text),
                       churn_base_state = COALESCE(calc.churn_base_state, calc.churn_state),
                       churn_state = CASE WHEN calc.churn_state IN %(raised)s THEN 'at_risk'
                                          ELSE calc.churn_state END,
                       churn_rule = CASE WHEN calc.churn_state IN %(raised)s THEN %(key)s::varchar
                                         ELSE calc.churn_rule END
                 WHERE calc.partner_id IN (SELECT signal.partner_id FROM (%(query)s) signal)
                   AND NOT COALESCE(calc.churn_signals, '[]'::jsonb) ? %(key)s::text
                """,
                    key=key,
                    raised=RAISED_STATES,
                    query=query,
                )
            )

    # ------------------------------------------------------------------
    # Between two runs
    # ------------------------------------------------------------------
    @api.model
    def _crm_value_raise_churn_signals(self, company, partner_ids):
        """Apply the signals to the stored scores of ``partner_ids`` (commercial partners of
        ``company``) at once, without waiting for the next run: called when a signal appears
        (``crm_service``: an SLA failing on an open case, a poor rating). One UPDATE per signal
        over those partners' scores, then their partners' copies; returns the partners whose
        state or signals changed.

        Only raises: a signal that ends lowers the state on the next run (it computes the state
        from the purchases again). Skipped while a run of the company holds its lock (that run
        or the next one reads the signal). Works on every score of the company: callers check
        access and call it with sudo."""
        partner_ids = sorted(set(partner_ids or ()))
        if not partner_ids:
            return []
        cr = self.env.cr
        cr.execute(SQL("SELECT pg_try_advisory_xact_lock(%s, %s)", ADVISORY_LOCK_KEY, company.id))
        if not cr.fetchone()[0]:
            return []
        self.flush_model()
        as_of = fields.Date.context_today(self)
        changed = set()
        for key, query in self._crm_value_churn_signals(company, as_of):
            cr.execute(
                SQL(
                    """
                WITH raised AS (
                    SELECT score.id,
                           score.churn_state IN %(raised)s AS to_raise,
                           COALESCE(score.inputs -> 'churn', '{}'::jsonb) AS churn
                      FROM crm_value_score score
                     WHERE score.company_id = %(company)s
                       AND score.partner_id = ANY(%(partners)s)
                       AND score.partner_id IN (SELECT signal.partner_id FROM (%(query)s) signal)
                       AND NOT COALESCE(score.inputs -> 'churn' -> 'signals', '[]'::jsonb) ? %(key)s::text
                )
                UPDATE crm_value_score score
                   SET churn_state = CASE WHEN raised.to_raise THEN 'at_risk' ELSE score.churn_state END,
                       inputs = jsonb_set(COALESCE(score.inputs, '{}'::jsonb), '{churn}',
                           raised.churn
                           || jsonb_build_object(
                                  'signals', COALESCE(raised.churn -> 'signals', '[]'::jsonb)
                                             || to_jsonb(%(key)s::text),
                                  'state_before_signals',
                                      COALESCE(raised.churn -> 'state_before_signals',
                                               to_jsonb(score.churn_state)))
                           || CASE WHEN raised.to_raise
                                   THEN jsonb_build_object('state', 'at_risk', 'rule', %(key)s::text)
                                   ELSE '{}'::jsonb END),
                       write_uid = %(uid)s,
                       write_date = NOW() AT TIME ZONE 'UTC'
                  FROM raised
                 WHERE raised.id = score.id
             RETURNING score.partner_id
                """,
                    key=key,
                    raised=RAISED_STATES,
                    company=company.id,
                    partners=partner_ids,
                    query=query,
                    uid=self.env.uid,
                )
            )
            changed.update(row[0] for row in cr.fetchall())
        if changed:
            self.invalidate_model(["churn_state", "inputs", "write_uid", "write_date"])
            self._crm_value_sync_partners(company, partner_ids=sorted(changed))
        return sorted(changed)
