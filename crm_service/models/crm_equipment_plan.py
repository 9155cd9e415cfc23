from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CrmEquipmentPlan(models.Model):
    """A maintenance plan: visit intervals and expected life, for a product model or one equipment."""

    _name = "crm.equipment.plan"
    _description = "Maintenance Plan"
    # not by product or equipment: ordering by a many2one flushes its model, and the equipment
    # computes its plan from this model
    _order = "name, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        index=True,
        default=lambda self: self.env.company,
        help="Empty: the plan serves every company.",
    )
    product_id = fields.Many2one(
        "product.product",
        index="btree_not_null",
        check_company=True,
        help="The plan of every equipment of this product without a plan of its own.",
    )
    equipment_id = fields.Many2one(
        "crm.equipment",
        index="btree_not_null",
        ondelete="cascade",
        check_company=True,
        help="The plan of this equipment only; it replaces the product's plan.",
    )
    interval_months = fields.Integer(
        string="Every (Months)", help="A preventive visit every N months; 0: none."
    )
    interval_usage = fields.Float(
        string="Every (Usage)", help="A preventive visit every N units of the meter; 0: none."
    )
    lead_days = fields.Integer(
        default=14,
        help="The visit is planned (an activity for the service team) this many days before it is due.",
    )
    life_months = fields.Integer(string="Expected Life (Months)", help="For the wear: 0, no time limit.")
    life_usage = fields.Float(string="Expected Life (Usage)", help="For the wear: 0, no usage limit.")
    note = fields.Html(string="Instructions", help="What the technician does at a preventive visit.")
    equipment_count = fields.Integer(compute="_compute_equipment_count")

    @api.constrains(
        "product_id",
        "equipment_id",
        "interval_months",
        "interval_usage",
        "lead_days",
        "life_months",
        "life_usage",
    )
    def _check_plan(self):
        for plan in self:
            if not plan.product_id and not plan.equipment_id:
                raise ValidationError(
                    self.env._(
                        "Maintenance plan %(plan)s: choose the product or the equipment it serves.",
                        plan=plan.name,
                    )
                )
            if (
                min(
                    plan.interval_months,
                    plan.interval_usage,
                    plan.lead_days,
                    plan.life_months,
                    plan.life_usage,
                )
                < 0
            ):
                raise ValidationError(
                    self.env._(
                        "Maintenance plan %(plan)s: intervals, lead days and life cannot be negative.",
                        plan=plan.name,
                    )
                )
            if not plan.interval_months and not plan.interval_usage:
                raise ValidationError(
                    self.env._(
                        "Maintenance plan %(plan)s: set a visit interval in months, in usage, or both.",
                        plan=plan.name,
                    )
                )

    def _compute_equipment_count(self):
        counts = dict(
            self.env["crm.equipment"]._read_group([("plan_id", "in", self.ids)], ["plan_id"], ["__count"])
        )
        for plan in self:
            plan.equipment_count = counts.get(plan, 0)

    def lead_days_delta(self):
        return timedelta(days=self.lead_days or 0)

    def action_view_equipment(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_service.crm_equipment_action")
        action["domain"] = [("plan_id", "=", self.id)]
        return action
