# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from ast import literal_eval

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.osv import expression

from ..utils import working_hours

SERVICE_MODEL_FILTER = [
    ("any", "Any"),
    ("tiered", "Tiered"),
    ("dedicated", "Dedicated"),
]
SLA_SEVERITIES = [
    ("1", "Low"),
    ("2", "Medium"),
    ("3", "High"),
    ("4", "Critical"),
]


class CrmSlaPolicy(models.Model):
    """Response and resolution targets in working hours, matched to cases by sequence."""

    _name = "crm.sla.policy"
    _description = "SLA Policy"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(
        default=10, help="Policies are tried in this order; the first one matching a case applies."
    )
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", index=True, default=lambda self: self.env.company, help="Empty: every company."
    )
    team_ids = fields.Many2many(
        "crm.service.team",
        "crm_sla_policy_team_rel",
        "policy_id",
        "team_id",
        string="Teams",
        check_company=True,
        help="Cases of these teams only. Empty: any team.",
    )
    category_ids = fields.Many2many(
        "crm.complaint.category",
        "crm_sla_policy_category_rel",
        "policy_id",
        "category_id",
        string="Categories",
        check_company=True,
        help="Cases of these categories or their subcategories only. Empty: any category.",
    )
    severity_min = fields.Selection(
        SLA_SEVERITIES, string="Minimum Severity", help="Cases of this severity or higher only. Empty: any."
    )
    service_model = fields.Selection(
        SERVICE_MODEL_FILTER,
        required=True,
        default="any",
        help="Cases of customers served this way only.",
    )
    abc_classes = fields.Char(
        string="Value Classes",
        help="Cases of customers in these value classes only (crm_value's ABC class), "
        'e.g. "A" or "A,B". Empty: any class. Lets A customers get faster targets.',
    )
    domain = fields.Char(
        string="Case Filter",
        default="[]",
        help="A further condition on the case (its customer through partner_id), as a domain.",
    )
    response_hours = fields.Float(
        required=True, default=4.0, help="Working hours to the first public reply to the customer."
    )
    resolution_hours = fields.Float(
        required=True, default=40.0, help="Working hours to the resolved stage, paused time excluded."
    )
    calendar_id = fields.Many2one(
        "resource.calendar",
        string="Working Hours",
        check_company=True,
        help="The hours the targets count, with their leaves and public holidays. Empty: around the clock.",
    )
    warn_ratio = fields.Float(
        string="Warning at",
        default=0.8,
        help="Share of a target's hours after which the case is at risk (0.8: after 80%).",
    )
    escalation_ids = fields.One2many("crm.sla.escalation", "policy_id", copy=True)

    _sql_constraints = [
        (
            "hours_positive",
            "CHECK(response_hours >= 0 AND resolution_hours >= 0)",
            "SLA targets cannot be negative.",
        ),
        (
            "warn_ratio_range",
            "CHECK(warn_ratio > 0 AND warn_ratio <= 1)",
            "The warning share lies in (0, 1].",
        ),
    ]

    @api.constrains("domain")
    def _check_domain(self):
        for policy in self:
            try:
                self.env["crm.complaint"].search_count(policy._crm_domain(), limit=1)
            except (ValueError, SyntaxError, TypeError) as error:
                raise ValidationError(
                    self.env._(
                        "The case filter of SLA policy %(policy)s is not a valid domain: %(error)s",
                        policy=policy.name,
                        error=error,
                    )
                ) from error

    @api.constrains("abc_classes")
    def _check_abc_classes(self):
        for policy in self:
            unknown = set(policy._crm_abc_classes()) - {"A", "B", "C", "N"}
            if unknown:
                raise ValidationError(
                    self.env._(
                        "SLA policy %(policy)s: unknown value classes %(classes)s (use A, B, C or N).",
                        policy=policy.name,
                        classes=", ".join(sorted(unknown)),
                    )
                )

    def write(self, vals):
        result = super().write(vals)
        if "calendar_id" in vals:
            # the running targets count their remaining hours on the new working hours
            self.env["crm.complaint.sla.line"]._crm_replan_running([("policy_id", "in", self.ids)])
        return result

    def _crm_domain(self):
        self.ensure_one()
        return literal_eval(self.domain or "[]")

    def _crm_abc_classes(self):
        self.ensure_one()
        return [code.strip().upper() for code in (self.abc_classes or "").split(",") if code.strip()]

    def _crm_case_domain(self):
        """The cases this policy applies to, as a domain on crm.complaint."""
        self.ensure_one()
        domain = [("company_id", "=", self.company_id.id)] if self.company_id else []
        if self.team_ids:
            domain.append(("team_id", "in", self.team_ids.ids))
        if self.category_ids:
            domain.append(("category_id", "child_of", self.category_ids.ids))
        if self.severity_min:
            severities = [code for code, _label in SLA_SEVERITIES if code >= self.severity_min]
            domain.append(("severity", "in", severities))
        if self.service_model != "any":
            domain.append(("service_model", "=", self.service_model))
        return expression.AND([domain, self._crm_domain()])

    @api.model
    def _crm_match(self, cases):
        """The policy of each case: ``{case: policy}``, first match by sequence wins.

        Evaluated in memory on the cases (a batch of new cases is matched without a query per
        case): one filtered_domain per policy over the cases still unmatched.
        """
        result = {}
        remaining = cases
        if not cases:
            return result
        # the engine matches policies the user may not read (agents read only their companies'
        # policies; the case's company decides): sudo is safe, only the match is returned
        policies = self.sudo().search(
            [("company_id", "in", [False, *cases.company_id.ids])], order="sequence, id"
        )
        # crm_value's class of the customer in the case's company (a field of value managers)
        classes = {}
        if any(policy.abc_classes for policy in policies):
            for company in cases.company_id:
                partners = cases.filtered(
                    lambda c, company=company: c.company_id == company
                ).commercial_partner_id
                for partner in partners.sudo().with_company(company):
                    classes[company.id, partner.id] = partner.crm_value_abc_class or "N"
        for policy in policies:
            if not remaining:
                break
            matched = remaining.filtered_domain(policy._crm_case_domain())
            wanted = policy._crm_abc_classes()
            if wanted:
                matched = matched.filtered(
                    lambda c, wanted=wanted: (
                        classes.get((c.company_id.id, c.commercial_partner_id.id), "N") in wanted
                    )
                )
            for case in matched:
                result[case] = policy.with_env(self.env)
            remaining -= matched
        return result

    def _crm_interval_source(self):
        """Interval source of this policy's calendar for utils.working_hours (None: 24/7)."""
        self.ensure_one()
        # reading the calendar's attendances and leaves is a computation, not a disclosure
        return working_hours.calendar_source(self.calendar_id.sudo())
