# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Faults of the installed base, and the mean time between failures per product model.

A **fault** is a case (crm.complaint) linked to an equipment, or a corrective visit that answers
no case (a corrective visit answering a case is that case's fault, counted once); cancelled cases
and visits are no faults. Its date is the day the case was opened, or the visit's due date.

The **MTBF** of a product model (product template) in a company is its equipment's operating days
over their faults: operating days are the days from each equipment's installation to today (to its
retirement for retired equipment), summed over the equipment of the model installed; faults are
all the faults of that equipment. No fault: no MTBF.
"""

from odoo import api, fields, models, tools
from odoo.tools import SQL

from ..utils.equipment_faults import FAULT_WINDOW, faults_sql, mtbf_sql


class CrmEquipmentFault(models.Model):
    """Faults of the installed base: one row per fault, by product model, customer, cause."""

    _name = "crm.equipment.fault"
    _description = "Equipment Fault"
    _auto = False
    _order = "date desc, id desc"

    equipment_id = fields.Many2one("crm.equipment", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    product_tmpl_id = fields.Many2one("product.template", string="Product Model", readonly=True)
    date = fields.Date(readonly=True)
    source = fields.Selection([("complaint", "Case"), ("visit", "Corrective Visit")], readonly=True)
    complaint_id = fields.Many2one("crm.complaint", string="Case", readonly=True)
    visit_id = fields.Many2one("crm.service.visit", readonly=True)
    category_id = fields.Many2one("crm.complaint.category", string="Case Category", readonly=True)
    root_cause_id = fields.Many2one("crm.complaint.root.cause", string="Fault Cause", readonly=True)
    fault_count = fields.Integer(string="Faults", readonly=True, aggregator="sum")

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL("CREATE OR REPLACE VIEW %s AS (%s)", SQL.identifier(self._table), faults_sql())
        )

    @api.model
    def _crm_fault_window(self):
        return FAULT_WINDOW


class CrmEquipmentMtbfReport(models.Model):
    """Faults by product model with the mean time between failures (MTBF)."""

    _name = "crm.equipment.mtbf.report"
    _description = "Faults and MTBF by Product Model"
    _auto = False
    _order = "failure_count desc, product_tmpl_id"
    _rec_name = "product_tmpl_id"

    company_id = fields.Many2one("res.company", readonly=True)
    product_tmpl_id = fields.Many2one("product.template", string="Product Model", readonly=True)
    equipment_count = fields.Integer(string="Equipment", readonly=True, aggregator="sum")
    operating_days = fields.Integer(readonly=True, aggregator="sum")
    failure_count = fields.Integer(string="Faults", readonly=True, aggregator="sum")
    mtbf_days = fields.Float(
        string="MTBF (Days)",
        readonly=True,
        aggregator="avg",
        help="Operating days of the model's equipment over their faults.",
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """CREATE OR REPLACE VIEW %(table)s AS (
                       SELECT ROW_NUMBER() OVER (ORDER BY m.company_id, m.product_tmpl_id) AS id, m.*
                         FROM (%(query)s) m)""",
                table=SQL.identifier(self._table),
                query=mtbf_sql(SQL("CURRENT_DATE")),
            )
        )

    @api.model
    def _crm_mtbf(self, company, as_of):
        """{product template id: (equipment, operating days, faults, MTBF days or None)} at ``as_of``."""
        for model in ("crm.equipment", "crm.complaint", "crm.service.visit"):
            self.env[model].flush_model()
        self.env.cr.execute(
            SQL(
                "SELECT product_tmpl_id, equipment_count, operating_days, failure_count, mtbf_days"
                " FROM (%s) m WHERE company_id = %s",
                mtbf_sql(SQL("%s::date", fields.Date.to_date(as_of))),
                company.id,
            )
        )
        return {row[0]: tuple(row[1:]) for row in self.env.cr.fetchall()}
