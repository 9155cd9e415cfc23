from odoo import api, fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    crm_pool_ids = fields.Many2many(
        "crm.pool",
        compute="_compute_crm_pool_ids",
        string="Visible Pools",
        help="The pools whose customers the user sees and claims.",
    )

    @api.depends("crm_team_member_ids.crm_team_id", "company_ids")
    def _compute_crm_pool_ids(self):
        # sudo: the pools' team scoping is what decides visibility, whoever asks
        pools = self.env["crm.pool"].sudo().search([("active", "=", True)])
        for user in self:
            user.crm_pool_ids = pools.filtered(lambda pool, user=user: pool._is_visible_to(user))

    def write(self, vals):
        leaving = self.browse()
        if vals.get("active") is False:
            leaving = self.filtered("active")
        result = super().write(vals)
        if leaving:
            leaving._crm_handover_customers(self.env._("The salesperson was archived."))
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_crm_handover_customers(self):
        # a deleted salesperson leaves no customer "owned" by nobody (user_id is set to NULL)
        self._crm_handover_customers(self.env._("The salesperson was deleted."))

    def _crm_handover_customers(self, reason):
        """Customers of archived or deleted salespeople go back to their pools, or to the team
        leader when the pool says so. Events carry the ``user_archived`` trigger."""
        Partner = self.env["res.partner"].sudo()
        # sudo: the customers of a leaving salesperson are handed over whoever archives them
        partners = Partner.search(
            [
                ("user_id", "in", self.ids),
                ("crm_pool_state", "=", "owned"),
                ("lifecycle_stage_id", "!=", False),
                ("parent_id", "=", False),
            ]
        )
        to_release = Partner.browse()
        to_leaders = {}
        for partner in partners:
            leader = partner.crm_team_id.user_id
            if (
                partner.crm_pool_id.handover_to_team_leader
                and leader
                and leader.active
                and leader not in self
            ):
                to_leaders.setdefault(leader, Partner.browse())
                to_leaders[leader] |= partner
            else:
                to_release |= partner
        for leader, handed in to_leaders.items():
            handed._crm_assign(leader, reason, "user_archived")
        to_release._crm_release(reason, "user_archived")
