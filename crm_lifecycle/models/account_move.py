from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        invoices = posted.filtered(lambda move: move.move_type == "out_invoice")
        self.env["res.partner"]._crm_set_stage_from_documents(invoices, "customer", "invoice")
        return posted
