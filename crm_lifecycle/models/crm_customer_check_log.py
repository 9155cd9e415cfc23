from odoo import fields, models


class CrmCustomerCheckLog(models.Model):
    """One row per lookup of "Check Customer": who looked up what, and how many customers
    the answer named. Written by the system only (see ``crm.customer.check``); sales managers
    read them to spot a salesperson harvesting the customer base, and the daily limit of
    lookups per salesperson is counted on them."""

    _name = "crm.customer.check.log"
    _description = "Check Customer: Lookup"
    _order = "date desc, id desc"
    _rec_name = "query"

    user_id = fields.Many2one(
        "res.users", string="Salesperson", required=True, readonly=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True, ondelete="cascade")
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now, index=True)
    query = fields.Char(string="Looked Up", readonly=True)
    match_count = fields.Integer(string="Customers Found", readonly=True, aggregator="sum")
