from odoo import api, fields, models

from .crm_complaint import CHANNELS, SERVICE_MODELS


class ResPartner(models.Model):
    _inherit = "res.partner"

    service_model = fields.Selection(
        SERVICE_MODELS,
        compute="_compute_service_model",
        inverse="_inverse_service_model",
        search="_search_service_model",
        help="Tiered: the service desk takes the customer's cases first, technical staff when needed. "
        "Dedicated: one representative handles every case of the customer. By default the service "
        "recommended by the customer's value score; set it to override.",
    )
    service_model_choice = fields.Selection(
        SERVICE_MODELS,
        string="Chosen Service Model",
        help="The service model a manager or the customer chose; empty: the value score's recommendation.",
    )
    service_rep_id = fields.Many2one(
        "res.users",
        string="Service Representative",
        domain="[('share', '=', False)]",
        help="Dedicated service: the person who gets every new case of the customer.",
    )
    service_rep_backup_id = fields.Many2one(
        "res.users",
        string="Backup Representative",
        domain="[('share', '=', False)]",
        help="Takes the customer's cases while the representative is away.",
    )
    service_team_id = fields.Many2one("crm.service.team", help="The team that takes the customer's cases.")
    preferred_channel = fields.Selection(CHANNELS, help="How the customer prefers to be served.")
    complaint_count = fields.Integer(compute="_compute_complaint_count", string="Cases")

    @api.depends("service_model_choice", "commercial_partner_id.service_model_choice")
    @api.depends_context("company")
    def _compute_service_model(self):
        commercial = self.commercial_partner_id
        # the recommendation of the value score (its figures stay behind crm_value's groups)
        scores = commercial.sudo().mapped("crm_value_score_id")
        recommended = {score.partner_id.id: score.service_tier for score in scores}
        for partner in self:
            customer = partner.commercial_partner_id
            partner.service_model = customer.service_model_choice or recommended.get(customer.id) or "tiered"

    def _inverse_service_model(self):
        for partner in self:
            partner.commercial_partner_id.service_model_choice = partner.service_model

    def _search_service_model(self, operator, value):
        if operator not in ("=", "!=") or value not in ("tiered", "dedicated"):
            raise NotImplementedError(self.env._("Search the service model by equality only."))
        # the score of each customer sits behind crm_value's groups; only ids come out of this search
        dedicated = (
            self.sudo()
            .with_context(active_test=False)
            .search(
                [
                    "|",
                    ("commercial_partner_id.service_model_choice", "=", "dedicated"),
                    "&",
                    ("commercial_partner_id.service_model_choice", "=", False),
                    ("commercial_partner_id.crm_value_score_id.service_tier", "=", "dedicated"),
                ]
            )
        )
        wanted = "in" if (operator == "=") == (value == "dedicated") else "not in"
        return [("id", wanted, dedicated.ids)]

    def _compute_complaint_count(self):
        counts = dict(
            self.env["crm.complaint"]._read_group(
                [("commercial_partner_id", "in", self.commercial_partner_id.ids)],
                ["commercial_partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.complaint_count = counts.get(partner.commercial_partner_id, 0)

    def action_view_complaints(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_service.crm_complaint_action")
        action["domain"] = [("commercial_partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {
            "default_partner_id": self.id,
            "search_default_filter_open": 1,
        }
        return action
