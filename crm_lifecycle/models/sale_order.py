from markupsafe import Markup

from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import float_compare, format_amount, formatLang

# Orders the quotation cost guard checks: quotations not yet confirmed.
CRM_COST_GUARD_STATES = ("draft", "sent")


class SaleOrder(models.Model):
    _inherit = "sale.order"

    @api.model_create_multi
    def create(self, vals_list):
        orders = super().create(vals_list)
        self.env["res.partner"]._crm_claim_from_documents(orders, "quotation")
        self.env["res.partner"]._crm_set_stage_from_documents(orders, "opportunity", "quotation")
        return orders

    def _action_confirm(self):
        result = super()._action_confirm()
        self.env["res.partner"]._crm_set_stage_from_documents(self, "customer", "order")
        return result

    def action_quotation_send(self):
        let_through = self._crm_cost_guard_check("send")
        action = super().action_quotation_send()
        self._crm_cost_guard_log_override(let_through, "send")
        return action

    def action_confirm(self):
        let_through = self._crm_cost_guard_check("confirm")
        result = super().action_confirm()
        self._crm_cost_guard_log_override(let_through, "confirm")
        return result

    def _get_lang(self):
        # sudo: the customer's language only; the customer may belong to another salesperson,
        # whose customers the record rules hide, while this order is the user's to see
        return super(SaleOrder, self.sudo())._get_lang()

    # ------------------------------------------------------------------
    # Quotation cost guard
    # ------------------------------------------------------------------
    def _crm_cost_guard_check(self, operation):
        """Refuse ``operation`` (``send`` or ``confirm``) while a guarded quotation has lines
        without cost or under the minimum margin, unless the user is a lifecycle manager.

        :return: the offending lines a manager lets through (empty when none)
        """
        if self.env.su:
            # superuser mode is the system's own flows (a customer signing or paying online
            # confirms through sudo); the guard is for the users who price and send quotations
            return self.env["sale.order.line"]
        guarded = self.filtered(
            lambda order: order.company_id.crm_cost_guard and order.state in CRM_COST_GUARD_STATES
        )
        offending = guarded._crm_cost_guard_offending_lines()
        if not offending or self.env.user.has_group("crm_lifecycle.group_crm_lifecycle_manager"):
            return offending
        raise UserError(self._crm_cost_guard_message(offending, operation))

    def _crm_cost_guard_offending_lines(self):
        """The product lines of ``self`` the cost guard refuses (whether the guard is on or not).

        A line is refused when it has no internal cost (``purchase_price``), or a margin
        below the minimum of the order's company when it sets one. Sections, notes, down
        payments, combo headers (their items are checked) and products flagged "No Cost
        Needed" are exempt.
        """
        price_digits = self.env["decimal.precision"].precision_get("Product Price")

        def refused(line):
            product = line.product_id
            if line.display_type or line.is_downpayment or not product:
                return False
            if product.type == "combo" or product.crm_no_cost_needed:
                return False
            if float_compare(line.purchase_price, 0.0, precision_digits=price_digits) <= 0:
                return True
            minimum = line.order_id.company_id.crm_cost_guard_min_margin
            return bool(minimum) and float_compare(line.margin_percent * 100, minimum, precision_digits=2) < 0

        return self.order_line.filtered(refused)

    def _crm_cost_guard_message(self, lines, operation):
        paragraphs = []
        for order, order_lines in lines.grouped("order_id").items():
            if operation == "send":
                header = self.env._("The quotation %(order)s cannot be sent yet:", order=order.name)
            else:
                header = self.env._("The order %(order)s cannot be confirmed yet:", order=order.name)
            descriptions = [f"- {self._crm_cost_guard_line_text(line)}" for line in order_lines]
            paragraphs.append("\n".join([header, *descriptions]))
        paragraphs.append(
            self.env._(
                "Set the cost of these products (Cost field of the product form) or review their "
                "prices, then try again; or ask a sales manager to send or confirm the quotation."
            )
        )
        return "\n\n".join(paragraphs)

    def _crm_cost_guard_log_override(self, lines, operation):
        """Note in the chatter of each order which offending lines a manager let through."""
        for order, order_lines in lines.grouped("order_id").items():
            if operation == "send":
                intro = self.env._(
                    "%(user)s overrode the quotation cost guard to send this quotation. Lines let through:",
                    user=self.env.user.name,
                )
            else:
                intro = self.env._(
                    "%(user)s overrode the quotation cost guard to confirm this order. Lines let through:",
                    user=self.env.user.name,
                )
            items = Markup().join(
                Markup("<li>%s</li>") % self._crm_cost_guard_line_text(line) for line in order_lines
            )
            order.message_post(
                body=Markup("<p>%s</p><ul>%s</ul>") % (intro, items),
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )

    def _crm_cost_guard_line_text(self, line):
        """One offending line for a person: product, quantity, cost, margin and the reason."""
        values = {
            "product": line.product_id.display_name,
            "quantity": formatLang(self.env, line.product_uom_qty, dp="Product Unit of Measure"),
            "uom": line.product_uom.name,
            "cost": format_amount(self.env, line.purchase_price, line.currency_id),
            "margin": formatLang(self.env, line.margin_percent * 100, digits=1),
        }
        price_digits = self.env["decimal.precision"].precision_get("Product Price")
        if float_compare(line.purchase_price, 0.0, precision_digits=price_digits) <= 0:
            return self.env._(
                "%(product)s: quantity %(quantity)s %(uom)s, cost %(cost)s, margin %(margin)s%% "
                "(no internal cost)",
                **values,
            )
        return self.env._(
            "%(product)s: quantity %(quantity)s %(uom)s, cost %(cost)s, margin %(margin)s%% "
            "(below the minimum margin of %(minimum)s%%)",
            minimum=formatLang(self.env, line.company_id.crm_cost_guard_min_margin, digits=1),
            **values,
        )
