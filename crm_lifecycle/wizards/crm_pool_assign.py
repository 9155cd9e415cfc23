from odoo import api, fields, models


class CrmPoolAssign(models.TransientModel):
    _name = "crm.pool.assign"
    _description = "Assign Customers to a Salesperson"

    partner_ids = fields.Many2many("res.partner", string="Customers", required=True)
    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        required=True,
        domain="[('share', '=', False)]",
        help="The salesperson who owns the customers from now on.",
    )
    reason = fields.Text(help="Why the customers change hands; kept on their timeline.")
    warning = fields.Text(
        compute="_compute_warning",
        help="The pool limits this assignment overrides. A manager may override them.",
    )

    @api.depends("partner_ids", "user_id")
    def _compute_warning(self):
        for wizard in self:
            partners, user = wizard.partner_ids._origin, wizard.user_id._origin
            messages = partners._crm_claim_check(user) if partners and user else []
            wizard.warning = "\n".join(messages) or False

    def action_confirm(self):
        self.ensure_one()
        # the notification tells the manager the limits the assignment overrode
        return self.partner_ids.with_context(crm_assign_reason=self.reason or False).action_crm_assign(
            self.user_id
        )
