from odoo import api, fields, models


class CrmPoolLevel(models.Model):
    """Day limits of a pool for the customers of one level (here: a lifecycle stage)."""

    _name = "crm.pool.level"
    _description = "Customer Pool Level"
    _order = "pool_id, sequence, id"

    pool_id = fields.Many2one("crm.pool", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="pool_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    lifecycle_stage_id = fields.Many2one("crm.lifecycle.stage", required=True, ondelete="cascade")
    # a new level starts from its pool's days; the consultant changes those that differ
    no_contact_days = fields.Integer(
        string="Release Without Contact (Days)",
        compute="_compute_day_limits",
        store=True,
        readonly=False,
        precompute=True,
        help="Starts from the pool's value. 0: never for this stage.",
    )
    no_opportunity_days = fields.Integer(
        string="Release Without Opportunity (Days)",
        compute="_compute_day_limits",
        store=True,
        readonly=False,
        precompute=True,
        help="Starts from the pool's value. 0: never for this stage.",
    )
    no_deal_days = fields.Integer(
        string="Release Without Deal (Days)",
        compute="_compute_day_limits",
        store=True,
        readonly=False,
        precompute=True,
        help="Starts from the pool's value. 0: never for this stage.",
    )
    followup_days = fields.Integer(
        string="Follow Up Every (Days)", help="0: the stage's or the pool's interval."
    )

    _sql_constraints = [
        (
            "stage_unique",
            "unique(pool_id, lifecycle_stage_id)",
            "A pool has one level per lifecycle stage.",
        ),
        (
            "days_positive",
            "CHECK(no_contact_days >= 0 AND no_opportunity_days >= 0 AND no_deal_days >= 0 "
            "AND followup_days >= 0)",
            "Day limits cannot be negative.",
        ),
    ]

    @api.depends("pool_id")
    def _compute_day_limits(self):
        for level in self:
            for fname in ("no_contact_days", "no_opportunity_days", "no_deal_days"):
                level[fname] = level.pool_id[fname]

    @api.depends("pool_id", "lifecycle_stage_id")
    def _compute_display_name(self):
        for level in self:
            level.display_name = f"{level.pool_id.display_name} / {level.lifecycle_stage_id.display_name}"

    @api.model_create_multi
    def create(self, vals_list):
        levels = super().create(vals_list)
        self.env["res.partner"]._crm_refresh_schedule(pools=levels.pool_id)
        return levels

    def write(self, vals):
        pools = self.pool_id
        result = super().write(vals)
        self.env["res.partner"]._crm_refresh_schedule(pools=pools | self.pool_id)
        return result

    def unlink(self):
        pools = self.pool_id
        result = super().unlink()
        self.env["res.partner"]._crm_refresh_schedule(pools=pools)
        return result
