import math

from dateutil.relativedelta import relativedelta

from odoo import fields, models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    crm_equipment_ids = fields.One2many("crm.equipment", "sale_line_id", string="Equipment")

    def _compute_qty_delivered(self):
        result = super()._compute_qty_delivered()
        # with sale_stock the delivered quantity is computed from the done moves, never written
        self._crm_sync_equipment()
        return result

    def write(self, vals):
        result = super().write(vals)
        if "qty_delivered" in vals:
            self._crm_sync_equipment()
        return result

    def _crm_sync_equipment(self):
        """One equipment per unit delivered of the products tracked at customers: the units
        delivered beyond the equipment the line already has get one each (a delivered quantity
        going down, a return, removes none). Idempotent: a line re-saved creates nothing."""
        lines = self.filtered(
            lambda line: (
                line.id
                and isinstance(line.id, int)
                and line.product_id.crm_tracked_at_customer
                and line.state == "sale"
                and line.qty_delivered >= 1
            )
        )
        if not lines:
            return
        Equipment = self.env["crm.equipment"].sudo().with_context(active_test=False)
        existing = dict(
            Equipment._read_group([("sale_line_id", "in", lines.ids)], ["sale_line_id"], ["__count"])
        )
        today = fields.Date.context_today(self)
        values = []
        for line in lines:
            missing = math.floor(line.qty_delivered + 1e-6) - existing.get(line, 0)
            if missing <= 0:
                continue
            install = line._crm_delivery_date() or today
            months = line.product_id.crm_warranty_months
            order = line.order_id
            values += [
                {
                    "partner_id": order.partner_id.commercial_partner_id.id,
                    "site_partner_id": order.partner_shipping_id.id,
                    "product_id": line.product_id.id,
                    "company_id": order.company_id.id,
                    "install_date": install,
                    "warranty_end": install + relativedelta(months=months) if months else False,
                    "sale_line_id": line.id,
                }
            ] * missing
        if values:
            # the delivery (by whoever validated it) records the customer's equipment: its
            # values come from the confirmed order line, the user wrote none of them
            Equipment.create(values)

    def _crm_delivery_date(self):
        """The date of the last done delivery of the line (sale_stock), else None."""
        moves = (
            self.move_ids.filtered(lambda move: move.state == "done") if "move_ids" in self._fields else []
        )
        dates = [move.date for move in moves if move.date]
        return fields.Date.to_date(max(dates)) if dates else None
