from ast import literal_eval

from odoo import fields, models

from .crm_complaint_stage import DONE_STATES

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
                [("team_id", "in", self.ids), ("state", "not in", DONE_STATES)],
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
            defaults.update({"team_id": self.id, "company_id": self.company_id.id, "channel": "email"})
            values["alias_defaults"] = repr(defaults)
            values["alias_parent_model_id"] = self.env["ir.model"]._get("crm.service.team").id
            values["alias_parent_thread_id"] = self.id
        return values

    def write(self, vals):
        result = super().write(vals)
        if "company_id" in vals:
            for team in self.filtered("alias_id"):
                # the team's own alias: its defaults follow the team's company
                team.alias_id.sudo().write(team._alias_get_creation_values())
        return result

    def _crm_assign_cases(self, cases):
        """Give ``cases`` (of this team, without assignee) to members by the team's method."""
        self.ensure_one()
        if self.assignment_method == "manual" or not cases:
            return
        members = self.member_ids - cases._crm_unavailable_users(self.member_ids)
        if not members:
            return
        members = members.sorted("id")
        if self.assignment_method == "balanced":
            # counting every open case of the members in the company, whoever may read them
            counts = dict(
                self.env["crm.complaint"]
                .sudo()
                ._read_group(
                    [
                        ("user_id", "in", members.ids),
                        ("company_id", "=", self.company_id.id),
                        ("state", "not in", DONE_STATES),
                        ("id", "not in", cases.ids),
                    ],
                    ["user_id"],
                    ["__count"],
                )
            )
            load = {member: counts.get(member, 0) for member in members}
            for case in cases:
                member = min(members, key=lambda user: (load[user], user.id))
                load[member] += 1
                case.user_id = member
        else:
            last = self.last_assigned_user_id
            position = members.ids.index(last.id) + 1 if last in members else 0
            if last and last not in members:
                # the last one left the team: the next member by id after them
                position = next((index for index, user in enumerate(members) if user.id > last.id), 0)
            for case in cases:
                member = members[position % len(members)]
                position += 1
                case.user_id = member
            # the team's round-robin pointer only: agents may not edit the team otherwise
            self.sudo().last_assigned_user_id = member

    def action_view_open_complaints(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_service.crm_complaint_action")
        action["domain"] = [("team_id", "=", self.id)]
        action["context"] = {"default_team_id": self.id, "search_default_filter_open": 1}
        return action
