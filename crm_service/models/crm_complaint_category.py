from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .crm_complaint import SEVERITIES


class CrmComplaintCategory(models.Model):
    _name = "crm.complaint.category"
    _description = "Case Category"
    _parent_name = "parent_id"
    _parent_store = True
    _rec_name = "complete_name"
    _order = "complete_name"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    complete_name = fields.Char(compute="_compute_complete_name", recursive=True, store=True)
    parent_id = fields.Many2one("crm.complaint.category", index=True, ondelete="cascade", check_company=True)
    parent_path = fields.Char(index=True)
    child_ids = fields.One2many("crm.complaint.category", "parent_id", string="Subcategories")
    team_id = fields.Many2one(
        "crm.service.team",
        string="Default Team",
        help="New cases of this category go to this team when it is of the case's company (a "
        "subcategory without one uses its parent's).",
    )
    severity = fields.Selection(
        SEVERITIES, string="Default Severity", help="New cases of this category get this severity."
    )
    company_id = fields.Many2one("res.company", index=True, help="Empty: every company.")
    active = fields.Boolean(default=True)

    @api.depends("name", "parent_id.complete_name")
    def _compute_complete_name(self):
        for category in self:
            if category.parent_id:
                category.complete_name = f"{category.parent_id.complete_name} / {category.name}"
            else:
                category.complete_name = category.name

    @api.constrains("parent_id")
    def _check_parent_id(self):
        if self._has_cycle():
            raise ValidationError(self.env._("A category cannot be its own parent."))

    def _crm_default_team(self):
        """The team of the category or of its nearest ancestor that has one."""
        self.ensure_one()
        category = self
        while category and not category.team_id:
            category = category.parent_id
        return category.team_id

    def _crm_default_severity(self):
        self.ensure_one()
        category = self
        while category and not category.severity:
            category = category.parent_id
        return category.severity
