from odoo import api, fields, models
from odoo.exceptions import UserError


class CrmLifecycleStage(models.Model):
    _name = "crm.lifecycle.stage"
    _description = "Customer Lifecycle Stage"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        required=True,
        index=True,
        help="Technical key used by the automatic rules (pool, qualified, potential, opportunity, "
        "customer, invalid). Custom stages get a code of their own.",
    )
    sequence = fields.Integer(
        default=10,
        help="Order of the stages: a move to a stage of higher sequence is a move forward.",
    )
    fold = fields.Boolean(help="Folded in the kanban view when empty of interest.")
    is_won = fields.Boolean(string="Won Stage", help="Customers in this stage have bought from us.")
    is_lost = fields.Boolean(
        string="Lost Stage",
        help="Customers in this stage are not worth following (invalid, lost).",
    )
    description = fields.Text(translate=True)
    followup_days = fields.Integer(
        string="Follow Up Every (Days)",
        help="Default follow-up interval of the customers in this stage. 0: the pool's interval.",
    )
    active = fields.Boolean(default=True)
    partner_count = fields.Integer(compute="_compute_partner_count", string="Customers")

    _sql_constraints = [
        ("code_unique", "unique(code)", "Each lifecycle stage needs its own code."),
    ]

    def _compute_partner_count(self):
        counts = dict(
            self.env["res.partner"]._read_group(
                [("lifecycle_stage_id", "in", self.ids), ("is_company", "=", True)],
                ["lifecycle_stage_id"],
                ["__count"],
            )
        )
        for stage in self:
            stage.partner_count = counts.get(stage, 0)

    def write(self, vals):
        result = super().write(vals)
        if "followup_days" in vals:
            # the follow-up dates of the stage's owned customers move at once
            owned = (
                self.env["res.partner"]
                .sudo()
                .search(
                    [
                        ("lifecycle_stage_id", "in", self.ids),
                        ("crm_pool_state", "=", "owned"),
                        ("parent_id", "=", False),
                    ]
                )
            )
            self.env["res.partner"]._crm_refresh_schedule(partners=owned)
        return result

    @api.model
    def _get_by_code(self, code):
        """The active stage of that code; a clear error when a consultant removed it."""
        stage = self.search([("code", "=", code)], limit=1)
        if not stage:
            raise UserError(
                self.env._(
                    "No active lifecycle stage has the code '%(code)s'. Create it again or "
                    "unarchive it in Customers > Configuration > Lifecycle Stages.",
                    code=code,
                )
            )
        return stage
