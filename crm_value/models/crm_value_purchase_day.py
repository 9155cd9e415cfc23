from odoo import fields, models


class CrmValuePurchaseDay(models.Model):
    """One company's invoiced days per commercial partner, as read by the last recompute.

    Technical cache written only by ``crm.value.score._crm_value_compute`` in SQL from
    ``_crm_value_purchase_days_sql``: a full run rewrites a company's rows, an incremental run
    only the rows of the partners whose invoices changed; every score is then aggregated from
    here, so the windows (which move every day) never need the invoice lines of unchanged
    partners again."""

    _name = "crm.value.purchase.day"
    _description = "Customer Value Purchase Day"
    _log_access = False
    _order = "company_id, partner_id, day"
    _rec_name = "partner_id"

    company_id = fields.Many2one("res.company", required=True, ondelete="cascade", readonly=True)
    partner_id = fields.Many2one("res.partner", required=True, ondelete="cascade", readonly=True)
    day = fields.Date(required=True, readonly=True)
    revenue = fields.Float(readonly=True, digits=(16, 4))
    margin = fields.Float(readonly=True, digits=(16, 4))
    is_purchase = fields.Boolean(readonly=True, help="Net invoiced revenue of the day above zero.")
    lines_cogs = fields.Integer(readonly=True)
    lines_sale = fields.Integer(readonly=True)
    lines_standard = fields.Integer(readonly=True)
    lines_none = fields.Integer(readonly=True)
    revenue_estimated = fields.Float(readonly=True, digits=(16, 4))
    categ_ids = fields.Json(string="Product Categories", readonly=True)

    _sql_constraints = [
        ("company_partner_day_unique", "unique(company_id, partner_id, day)", "One row per company, partner and day."),
    ]
