from odoo import api, fields, models
from odoo.tools import SQL

from .crm_value_score_service import ENDED_STATES


class CrmComplaintSlaLine(models.Model):
    _inherit = "crm.complaint.sla.line"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _cron_sla_check(self):
        """After the lines flipped: the customers of the open cases whose SLA just failed get
        their churn state raised at once (``service_sla_breach``), one statement per signal and
        company, without waiting for the next value run."""
        started = fields.Datetime.now()
        result = super()._cron_sla_check()
        self.env.cr.execute(
            SQL(
                """
                SELECT DISTINCT c.id
                  FROM crm_complaint_sla_line l
                  JOIN crm_complaint c ON c.id = l.complaint_id
                 WHERE l.state = 'failed' AND l.write_date >= %s
                   AND c.commercial_partner_id IS NOT NULL AND c.state NOT IN %s
                """,
                started,
                ENDED_STATES,
            )
        )
        # sudo: the cron reads every company's cases to pass their customers to the value scores
        cases = self.env["crm.complaint"].sudo().browse(row[0] for row in self.env.cr.fetchall())
        if cases:
            cases._crm_value_raise_signals()
            self._crm_commit()
        return result
