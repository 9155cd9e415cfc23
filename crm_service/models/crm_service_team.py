from ast import literal_eval

from odoo import api, fields, models

ASSIGNMENT_METHODS = [
    ("manual", "Manual"),
    ("balanced", "Balanced (fewest open cases)"),
    ("round_robin", "Round Robin"),
]


class CrmServiceTeam(models.Model):
    """A service team: the tier-1 desk or a tier-2 technical team, with its e-mail alias."""

    _name = "crm.service.team"
    _description = "Service Team"
    _inherit = ["mail.alias.mixin", "mail.thread"]
    _order = "sequence, name, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    tier = fields.Selection(
        [("1", "Tier 1: Service Desk"), ("2", "Tier 2: Technical")],
        required=True,
        default="1",
        tracking=True,
        help="Tier 1 takes the customers' cases first; tier 2 gets the cases escalated to technical staff.",
    )
    member_ids = fields.Many2many(
        "res.users",
        "crm_service_team_member_rel",
        "team_id",
        "user_id",
        string="Members",
        domain="[('share', '=', False), ('company_ids', 'in', company_id)]",
        check_company=True,
    )
    leader_id = fields.Many2one(
        "res.users",
        string="Team Leader",
        domain="[('share', '=', False), ('company_ids', 'in', company_id)]",
        check_company=True,
        tracking=True,
    )
    calendar_id = fields.Many2one(
        "resource.calendar",
        string="Working Hours",
        check_company=True,
        help="The team's working time; SLA targets count the hours of this calendar.",
    )
    assignment_method = fields.Selection(
        ASSIGNMENT_METHODS,
        required=True,
        default="manual",
        help="How new cases of tiered customers are given to a member: by hand, to the member with "
        "the fewest open cases, or to each member in turn.",
    )
    escalation_team_id = fields.Many2one(
        "crm.service.team",
        check_company=True,
        help="Where Escalate to Technical sends the cases of this team (usually a tier-2 team).",
    )
    last_assigned_user_id = fields.Many2one(
        "res.users", readonly=True, copy=False, help="Round robin: the member who got the last case."
    )
    complaint_ids = fields.One2many("crm.complaint", "team_id", string="Cases")
    open_complaint_count = fields.Integer(compute="_compute_open_complaint_count", string="Open Cases")

    def _compute_open_complaint_count(self):
        counts = dict(
            self.env["crm.complaint"]._read_group(
                [("team_id", "in", self.ids), ("state", "not in", ("resolved", "closed", "cancelled"))],
                ["team_id"],
                ["__count"],
            )
        )
        for team in self:
            team.open_complaint_count = counts.get(team, 0)

    def _alias_get_creation_values(self):
        values = super()._alias_get_creation_values()
        values["alias_model_id"] = self.env["ir.model"]._get("crm.complaint").id
        if self.id:
            defaults = literal_eval(self.alias_defaults or "{}")
            defaults["team_id"] = self.id
            defaults["company_id"] = self.company_id.id
            values["alias_defaults"] = defaults
        return values

    @api.model_create_multi
    def create(self, vals_list):
        teams = super().create(vals_list)
        # the alias needs the team's id in its defaults (known only now)
        for team in teams:
            team.alias_id.sudo().write(  # the team's own alias, created just above
                {"alias_defaults": repr(team._alias_get_creation_values()["alias_defaults"])}
            )
        return teams
