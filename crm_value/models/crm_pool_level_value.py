from odoo import api, fields, models

from .crm_value_score import ABC_CLASSES


class CrmPoolLevel(models.Model):
    """A pool level may also be for one value class: a pool gives its A customers longer limits.

    The release schedule picks the most specific level of a customer: the level of its stage and
    value class (``abc_class`` of its ``crm.value.score`` for the pool's company), else the level
    of its stage for any class (see ``crm.pool._schedule_level_filter``)."""

    _inherit = "crm.pool.level"

    crm_value_abc_class = fields.Selection(
        ABC_CLASSES,
        string="Value Class",
        index=True,
        help="The level applies to the customers of this value class only. Empty: any class; "
        "a level of the customer's class wins over the level of any class.",
    )

    # replaces crm_lifecycle's (pool, stage): one level per pool, stage and class; the level
    # of any class (empty, NULL: distinct for a UNIQUE constraint before PostgreSQL 15's NULLS
    # NOT DISTINCT) is kept unique by the partial index of init()
    _sql_constraints = [
        (
            "stage_unique",
            "unique(pool_id, lifecycle_stage_id, crm_value_abc_class)",
            "A pool has one level per lifecycle stage and value class.",
        ),
    ]

    def init(self):
        res = super().init()
        self.env.cr.execute(
            """CREATE UNIQUE INDEX IF NOT EXISTS crm_pool_level_stage_any_class_unique
                   ON crm_pool_level (pool_id, lifecycle_stage_id) WHERE crm_value_abc_class IS NULL"""
        )
        return res

    @api.depends("crm_value_abc_class")
    def _compute_display_name(self):
        res = super()._compute_display_name()
        classes = dict(self._fields["crm_value_abc_class"]._description_selection(self.env))
        for level in self.filtered("crm_value_abc_class"):
            level.display_name = f"{level.display_name} / {classes[level.crm_value_abc_class]}"
        return res
