from odoo import fields, models


class CrmValueBenefit(models.Model):
    """Value the customer confirmed we created for them (savings, revenue, time...)."""

    _name = "crm.value.benefit"
    _description = "Customer Benefit"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"

    name = fields.Char(string="Description", required=True, tracking=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        domain="[('is_company', '=', True)]",
    )
    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id", store=True, index=True, string="Commercial Entity"
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id", string="Currency")
    amount = fields.Monetary(tracking=True, help="Value created for the customer, in the company currency.")
    date = fields.Date(required=True, default=fields.Date.context_today, tracking=True)
    evidence = fields.Text(help="How the customer confirmed it: who, when, in which document.")
    attachment_ids = fields.Many2many("ir.attachment", string="Evidence Files")
    user_id = fields.Many2one(
        "res.users", string="Recorded By", default=lambda self: self.env.user, readonly=True
    )
