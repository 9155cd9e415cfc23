from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    crm_value_benefit_count = fields.Integer(
        string="Benefits",
        compute="_compute_crm_value_benefit_count",
        groups="crm_value.group_crm_value_user",
        help="Benefits the customer confirmed we created for them (visible to you).",
    )

    def _compute_crm_value_benefit_count(self):
        # one grouped count for the whole batch, with the user's record rules
        counts = dict(
            self.env["crm.value.benefit"]._read_group(
                [("commercial_partner_id", "in", self.commercial_partner_id.ids)],
                ["commercial_partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.crm_value_benefit_count = counts.get(partner.commercial_partner_id, 0)

    def action_crm_value_open_benefits(self):
        """The benefits of the customer (its commercial entity); new ones are recorded for it."""
        self.ensure_one()
        customer = self.commercial_partner_id
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_value.crm_value_benefit_action")
        action["domain"] = [("commercial_partner_id", "=", customer.id)]
        action["context"] = {"default_partner_id": customer.id}
        action["display_name"] = self.env._("Benefits of %(customer)s", customer=customer.display_name)
        return action
