from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CrmComplaintRootCause(models.Model):
    _name = "crm.complaint.root.cause"
    _description = "Root Cause"
    _parent_name = "parent_id"
    _parent_store = True
    _rec_name = "complete_name"
    _order = "complete_name"

    name = fields.Char(required=True, translate=True)
    complete_name = fields.Char(compute="_compute_complete_name", recursive=True, store=True)
    parent_id = fields.Many2one("crm.complaint.root.cause", index=True, ondelete="cascade")
    parent_path = fields.Char(index=True)
    child_ids = fields.One2many("crm.complaint.root.cause", "parent_id", string="Detailed Causes")
    description = fields.Text()
    company_id = fields.Many2one("res.company", index=True, help="Empty: every company.")
    active = fields.Boolean(default=True)

    @api.depends("name", "parent_id.complete_name")
    def _compute_complete_name(self):
        for cause in self:
            if cause.parent_id:
                cause.complete_name = f"{cause.parent_id.complete_name} / {cause.name}"
            else:
                cause.complete_name = cause.name

    @api.constrains("parent_id")
    def _check_parent_id(self):
        if self._has_cycle():
            raise ValidationError(self.env._("A root cause cannot be its own parent."))
