from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.crm_lifecycle.models.crm_internal import is_marked, marked

VISIT_TYPES = [
    ("preventive", "Preventive"),
    ("corrective", "Corrective"),
]
VISIT_STATES = [
    ("planned", "Planned"),
    ("done", "Done"),
    ("cancelled", "Cancelled"),
]
# the visits whose state the actions write (Mark Done, Cancel, Reset)
VISIT_STATE_WRITE = "crm_service.visit_state_write"


class CrmServiceVisit(models.Model):
    """A technician's visit to an equipment: preventive (from the plan) or corrective (a fault)."""

    _name = "crm.service.visit"
    _description = "Service Visit"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "scheduled_date desc, id desc"
    _check_company_auto = True
    _rec_names_search = ["equipment_id", "partner_id"]

    equipment_id = fields.Many2one(
        "crm.equipment", required=True, index=True, ondelete="cascade", tracking=True, check_company=True
    )
    partner_id = fields.Many2one(related="equipment_id.partner_id", store=True, index=True, string="Customer")
    company_id = fields.Many2one(related="equipment_id.company_id", store=True, index=True)
    product_id = fields.Many2one(related="equipment_id.product_id", store=True, string="Product")
    visit_type = fields.Selection(VISIT_TYPES, required=True, default="preventive", tracking=True, index=True)
    state = fields.Selection(
        VISIT_STATES, required=True, default="planned", readonly=True, tracking=True, index=True, copy=False
    )
    scheduled_date = fields.Date(
        string="Due Date",
        required=True,
        default=fields.Date.context_today,
        tracking=True,
        index=True,
        help="When the visit is due or planned.",
    )
    date = fields.Date(string="Done On", tracking=True, copy=False)
    user_id = fields.Many2one(
        "res.users",
        string="Technician",
        domain="[('share', '=', False)]",
        tracking=True,
        index="btree_not_null",
    )
    complaint_id = fields.Many2one(
        "crm.complaint",
        string="Case",
        index="btree_not_null",
        check_company=True,
        tracking=True,
        domain="[('commercial_partner_id', '=', partner_id)]",
        help="The case (fault reported by the customer) the visit answers.",
    )
    findings = fields.Html()
    parts = fields.Text(string="Parts (Notes)", help="Parts used, when they are no products.")
    part_ids = fields.One2many("crm.service.visit.part", "visit_id", string="Parts Used")
    meter_reading = fields.Float(
        help="The meter reading taken at the visit; recorded as a reading of the equipment when the "
        "visit is done."
    )
    meter_reset = fields.Boolean(help="The meter was reset or replaced at the visit.")
    usage_at_visit = fields.Float(
        readonly=True, copy=False, help="The equipment's usage when the visit was done."
    )
    plan_due_date = fields.Date(
        readonly=True,
        copy=False,
        index=True,
        help="The due date of the plan that the daily planning created this visit for.",
    )
    color = fields.Integer()

    @api.depends("equipment_id", "scheduled_date", "visit_type")
    def _compute_display_name(self):
        types = dict(self._fields["visit_type"]._description_selection(self.env))
        for visit in self:
            visit.display_name = self.env._(
                "%(type)s visit of %(equipment)s on %(date)s",
                type=types.get(visit.visit_type, ""),
                equipment=visit.equipment_id.display_name or "",
                date=visit.scheduled_date or "",
            )

    def write(self, vals):
        if {"state", "usage_at_visit", "plan_due_date"} & set(vals) and not (
            self.env.su or is_marked(self, VISIT_STATE_WRITE)
        ):
            raise UserError(
                self.env._(
                    "A visit's state changes through its buttons: Mark Done, Cancel, Reset to Planned."
                )
            )
        if "equipment_id" in vals and self.filtered(lambda visit: visit.state == "done"):
            raise UserError(self.env._("A done visit stays with its equipment."))
        return super().write(vals)

    # ------------------------------------------------------------------ actions

    def action_done(self):
        """Record the visit as done: its meter reading, the equipment back in service after a
        corrective visit; the plan's clock restarts for a preventive visit."""
        visits = self.filtered(lambda visit: visit.state == "planned")
        if not visits:
            return True
        today = fields.Date.context_today(self)
        readings = [
            {
                "equipment_id": visit.equipment_id.id,
                "date": visit.date or today,
                "value": visit.meter_reading,
                "reset": visit.meter_reset,
                "source": "visit",
                "visit_id": visit.id,
            }
            for visit in visits
            if visit.meter_reading
        ]
        if readings:
            self.env["crm.equipment.reading"].create(readings)
        with marked(visits, VISIT_STATE_WRITE):
            for visit in visits:
                visit.write(
                    {
                        "state": "done",
                        "date": visit.date or today,
                        "usage_at_visit": visit.equipment_id.usage_total,
                    }
                )
        repaired = visits.filtered(lambda visit: visit.visit_type == "corrective").equipment_id.filtered(
            lambda equipment: equipment.state == "under_repair"
        )
        repaired.write({"state": "in_service"})
        visits.activity_feedback(["mail.mail_activity_data_todo"], feedback=self.env._("Visit done."))
        # a corrective visit is a fault: the equipment may be due for replacement
        self.env["crm.equipment"]._crm_create_replacement_leads(visits.equipment_id)
        return True

    def action_cancel(self):
        visits = self.filtered(lambda visit: visit.state == "planned")
        with marked(visits, VISIT_STATE_WRITE):
            visits.write({"state": "cancelled"})
        visits.activity_unlink(["mail.mail_activity_data_todo"])
        return True

    def action_reset(self):
        visits = self.filtered(lambda visit: visit.state != "planned")
        with marked(visits, VISIT_STATE_WRITE):
            visits.write({"state": "planned", "date": False, "usage_at_visit": 0.0})
        return True

    @api.model_create_multi
    def create(self, vals_list):
        visits = super().create(vals_list)
        # a corrective visit opens the repair: the equipment is under repair until it is done
        broken = visits.filtered(lambda visit: visit.visit_type == "corrective" and visit.state == "planned")
        broken.equipment_id.filtered(lambda equipment: equipment.state == "in_service").write(
            {"state": "under_repair"}
        )
        if broken:
            self.env["crm.equipment"]._crm_create_replacement_leads(broken.equipment_id)
        return visits


class CrmServiceVisitPart(models.Model):
    _name = "crm.service.visit.part"
    _description = "Part Used in a Service Visit"
    _order = "visit_id, id"

    visit_id = fields.Many2one("crm.service.visit", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="visit_id.company_id", store=True)
    product_id = fields.Many2one("product.product", string="Part", required=True, check_company=True)
    quantity = fields.Float(default=1.0, digits="Product Unit of Measure")
    note = fields.Char()
