from odoo import api, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    @api.model_create_multi
    def create(self, vals_list):
        orders = super().create(vals_list)
        self.env["res.partner"]._crm_set_stage_from_documents(orders, "opportunity", "quotation")
        return orders

    def _action_confirm(self):
        result = super()._action_confirm()
        self.env["res.partner"]._crm_set_stage_from_documents(self, "customer", "order")
        return result
