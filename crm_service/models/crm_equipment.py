"""Equipment installed at customers: the installed base."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..utils import equipment_wear

EQUIPMENT_STATES = [
    ("in_service", "In Service"),
    ("under_repair", "Under Repair"),
    ("retired", "Retired"),
]
WEAR_BAND_SELECTION = [
    ("0_25", "0-25%"),
    ("25_50", "25-50%"),
    ("50_75", "50-75%"),
    ("75_90", "75-90%"),
    ("90_100", "90-100%"),
    ("100_plus", "100% and more"),
]


class CrmEquipment(models.Model):
    """A piece of equipment at a customer: product, serial, site, meter, maintenance plan, wear."""

    _name = "crm.equipment"
    _description = "Customer Equipment"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "next_due, id desc"
    _check_company_auto = True
    _parent_store = True

    name = fields.Char(
        compute="_compute_name",
        store=True,
        readonly=False,
        required=True,
        precompute=True,
        index="trigram",
        tracking=True,
    )
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        domain="[('is_company', '=', True)]",
        help="The customer company that owns the equipment (its commercial partner).",
    )
    site_partner_id = fields.Many2one(
        "res.partner",
        string="Site Address",
        check_company=True,
        domain="[('commercial_partner_id', '=', partner_id)]",
        help="Where the equipment stands: an address of the customer.",
    )
    product_id = fields.Many2one(
        "product.product", required=True, index=True, tracking=True, check_company=True
    )
    product_tmpl_id = fields.Many2one(
        related="product_id.product_tmpl_id", store=True, string="Product Model"
    )
    serial = fields.Char(string="Serial Number", index="trigram", tracking=True, copy=False)
    install_date = fields.Date(string="Installation Date", tracking=True, default=fields.Date.context_today)
    warranty_end = fields.Date(tracking=True)
    parent_id = fields.Many2one(
        "crm.equipment", string="Parent Equipment", index=True, ondelete="restrict", check_company=True
    )
    parent_path = fields.Char(index=True)
    child_ids = fields.One2many("crm.equipment", "parent_id", string="Components")
    state = fields.Selection(EQUIPMENT_STATES, required=True, default="in_service", tracking=True, index=True)
    retire_date = fields.Date(readonly=True, copy=False, help="Set when the equipment is retired.")
    user_id = fields.Many2one(
        "res.users",
        string="Technician",
        domain="[('share', '=', False)]",
        tracking=True,
        help="The technician who looks after the equipment; planned visits are theirs, else the "
        "service team leader's.",
    )
    sale_line_id = fields.Many2one(
        "sale.order.line", string="Sales Order Line", readonly=True, copy=False, index="btree_not_null"
    )
    sale_order_id = fields.Many2one(related="sale_line_id.order_id", string="Sales Order")
    # meter
    meter_uom = fields.Char(
        string="Meter Unit", help="What the usage meter counts: hours, cycles, km, pages..."
    )
    reading_ids = fields.One2many("crm.equipment.reading", "equipment_id", string="Readings")
    meter_value = fields.Float(
        string="Current Reading", compute="_compute_meter", store=True, help="The value of the last reading."
    )
    usage_total = fields.Float(
        string="Usage",
        compute="_compute_meter",
        store=True,
        help="Cumulative usage: the increases between readings, a meter reset counting its whole value.",
    )
    last_reading_date = fields.Date(compute="_compute_meter", store=True)
    # plan and visits
    plan_ids = fields.One2many("crm.equipment.plan", "equipment_id", string="Own Plans")
    plan_id = fields.Many2one(
        "crm.equipment.plan",
        string="Maintenance Plan",
        compute="_compute_plan_id",
        store=True,
        index="btree_not_null",
        help="The equipment's own plan, else its product's.",
    )
    visit_ids = fields.One2many("crm.service.visit", "equipment_id", string="Visits")
    visit_count = fields.Integer(compute="_compute_visit_count", string="Number of Visits")
    last_service_date = fields.Date(
        compute="_compute_last_service", store=True, help="The date of the last done preventive visit."
    )
    last_service_usage = fields.Float(compute="_compute_last_service", store=True)
    next_due = fields.Date(
        string="Next Visit Due",
        compute="_compute_next_due",
        store=True,
        index=True,
        help="The first date at which the plan's time or usage interval is used up, counted from "
        "the last preventive visit (else the installation).",
    )
    next_plan_date = fields.Date(
        compute="_compute_next_plan_date",
        store=True,
        index="btree_not_null",
        help="The next due date minus the plan's lead days: the daily planning plans the visit from then.",
    )
    wear_percent = fields.Float(
        string="Wear (%)",
        compute="_compute_wear",
        store=True,
        aggregator="avg",
        help="The greater of the time in service over the expected life in months and the usage "
        "over the expected life in units, in percent; refreshed daily.",
    )
    wear_band = fields.Selection(WEAR_BAND_SELECTION, compute="_compute_wear", store=True)
    # faults
    complaint_ids = fields.One2many("crm.complaint", "equipment_id", string="Cases")
    fault_count = fields.Integer(compute="_compute_fault_count", string="Faults")
    fault_count_12m = fields.Integer(compute="_compute_fault_count", string="Faults (12 Months)")
    lead_ids = fields.One2many(
        "crm.lead", "crm_equipment_id", string="Opportunities", groups="sales_team.group_sale_salesman"
    )
    lead_count = fields.Integer(compute="_compute_lead_count", string="Opportunities Count")
    color = fields.Integer()

    _sql_constraints = [
        (
            "serial_product_company_uniq",
            "unique(serial, product_id, company_id)",
            "This serial number is already recorded for this product.",
        ),
    ]

    # ------------------------------------------------------------------ computes and constraints

    @api.depends("product_id", "serial")
    def _compute_name(self):
        for equipment in self:
            if equipment.product_id:
                name = equipment.product_id.display_name
                equipment.name = f"{name} ({equipment.serial})" if equipment.serial else name

    @api.depends("reading_ids.date", "reading_ids.usage_total", "reading_ids.value")
    def _compute_meter(self):
        for equipment in self:
            last = equipment.reading_ids.sorted(lambda reading: (reading.date, reading.id))[-1:]
            equipment.meter_value = last.value
            equipment.usage_total = last.usage_total
            equipment.last_reading_date = last.date

    @api.depends(
        "product_id",
        "company_id",
        "plan_ids.active",
        "plan_ids.company_id",
        "product_id.crm_equipment_plan_ids.active",
        "product_id.crm_equipment_plan_ids.equipment_id",
        "product_id.crm_equipment_plan_ids.company_id",
    )
    def _compute_plan_id(self):
        for equipment in self:
            companies = (equipment.company_id, self.env["res.company"])
            own = equipment.plan_ids.filtered(lambda plan, companies=companies: plan.company_id in companies)
            product_plans = equipment.product_id.crm_equipment_plan_ids.filtered(
                lambda plan, companies=companies: not plan.equipment_id and plan.company_id in companies
            )
            # the equipment's own plan first; a company's plan before a shared one; then the oldest
            plans = own or product_plans
            equipment.plan_id = plans.sorted(lambda plan: (not plan.company_id, plan.id))[:1]

    def _compute_visit_count(self):
        counts = dict(
            self.env["crm.service.visit"]._read_group(
                [("equipment_id", "in", self.ids)], ["equipment_id"], ["__count"]
            )
        )
        for equipment in self:
            equipment.visit_count = counts.get(equipment, 0)

    @api.depends("visit_ids.state", "visit_ids.date", "visit_ids.visit_type", "visit_ids.usage_at_visit")
    def _compute_last_service(self):
        for equipment in self:
            done = equipment.visit_ids.filtered(
                lambda visit: visit.state == "done" and visit.visit_type == "preventive" and visit.date
            ).sorted(lambda visit: (visit.date, visit.id))[-1:]
            equipment.last_service_date = done.date
            equipment.last_service_usage = done.usage_at_visit

    @api.depends(
        "install_date",
        "last_service_date",
        "last_service_usage",
        "usage_total",
        "last_reading_date",
        "state",
        "plan_id.interval_months",
        "plan_id.interval_usage",
    )
    def _compute_next_due(self):
        for equipment in self:
            plan = equipment.plan_id
            due = False
            if plan and equipment.state != "retired":
                reference = equipment.last_service_date or equipment.install_date
                due = (
                    equipment_wear.next_due(
                        reference,
                        interval_months=plan.interval_months,
                        interval_usage=plan.interval_usage,
                        usage_since=equipment.usage_total
                        - (equipment.last_service_usage if equipment.last_service_date else 0.0),
                        rate=equipment_wear.usage_rate(
                            equipment.install_date, equipment.usage_total, equipment.last_reading_date
                        ),
                        last_reading_date=equipment.last_reading_date,
                    )
                    or False
                )
            equipment.next_due = due

    @api.depends("next_due", "plan_id.lead_days")
    def _compute_next_plan_date(self):
        for equipment in self:
            due = equipment.next_due
            equipment.next_plan_date = due and due - equipment.plan_id.lead_days_delta()

    @api.depends("install_date", "usage_total", "retire_date", "plan_id.life_months", "plan_id.life_usage")
    def _compute_wear(self):
        today = fields.Date.context_today(self)
        for equipment in self:
            wear = equipment_wear.wear_percent(
                today,
                equipment.install_date,
                equipment.usage_total,
                life_months=equipment.plan_id.life_months,
                life_usage=equipment.plan_id.life_usage,
                end_date=equipment.retire_date,
            )
            equipment.wear_percent = wear
            equipment.wear_band = equipment_wear.wear_band(wear)

    def _compute_fault_count(self):
        # sudo: counts of the faults of equipment the user reads (a salesperson has no access to
        # the fault report, whose rows name other customers' cases)
        Fault = self.env["crm.equipment.fault"].sudo()
        totals = dict(Fault._read_group([("equipment_id", "in", self.ids)], ["equipment_id"], ["__count"]))
        since = fields.Date.context_today(self) - Fault._crm_fault_window()
        recent = dict(
            Fault._read_group(
                [("equipment_id", "in", self.ids), ("date", ">", since)], ["equipment_id"], ["__count"]
            )
        )
        for equipment in self:
            equipment.fault_count = totals.get(equipment, 0)
            equipment.fault_count_12m = recent.get(equipment, 0)

    def _compute_lead_count(self):
        Lead = self.env["crm.lead"]
        # service agents without sales rights see no opportunity count
        counts = (
            dict(Lead._read_group([("crm_equipment_id", "in", self.ids)], ["crm_equipment_id"], ["__count"]))
            if Lead.has_access("read")
            else {}
        )
        for equipment in self:
            equipment.lead_count = counts.get(equipment, 0)

    @api.constrains("partner_id")
    def _check_partner_commercial(self):
        for equipment in self:
            if equipment.partner_id != equipment.partner_id.commercial_partner_id:
                raise ValidationError(
                    self.env._(
                        "Equipment %(equipment)s: its customer must be the customer company (%(company)s), "
                        "not the contact %(contact)s; put the contact's address in Site Address.",
                        equipment=equipment.display_name,
                        company=equipment.partner_id.commercial_partner_id.display_name,
                        contact=equipment.partner_id.display_name,
                    )
                )

    @api.constrains("parent_id")
    def _check_parent(self):
        if self._has_cycle():
            raise ValidationError(
                self.env._("An equipment cannot be a component of itself or of its components.")
            )

    # ------------------------------------------------------------------ CRUD

    def write(self, vals):
        if vals.get("state") == "retired":
            vals = dict(vals, retire_date=fields.Date.context_today(self))
        elif vals.get("state") in ("in_service", "under_repair"):
            vals = dict(vals, retire_date=False)
        return super().write(vals)

    # ------------------------------------------------------------------ actions

    def action_view_visits(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_service.crm_service_visit_action")
        action["domain"] = [("equipment_id", "=", self.id)]
        action["context"] = {"default_equipment_id": self.id}
        return action

    def action_new_visit(self):
        """Open a new visit of the equipment (preventive when the plan is due, else corrective)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Visit"),
            "res_model": "crm.service.visit",
            "view_mode": "form",
            "target": "current",
            "context": {
                "default_equipment_id": self.id,
                "default_visit_type": "preventive" if self.state == "in_service" else "corrective",
                "default_scheduled_date": fields.Date.to_string(fields.Date.context_today(self)),
            },
        }

    def action_view_complaints(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_service.crm_complaint_action")
        action["domain"] = [("equipment_id", "=", self.id)]
        action["context"] = {"default_equipment_id": self.id, "default_partner_id": self.partner_id.id}
        return action

    def action_view_leads(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm.crm_lead_opportunities")
        action["domain"] = [("crm_equipment_id", "=", self.id)]
        action["context"] = {"default_crm_equipment_id": self.id, "default_partner_id": self.partner_id.id}
        return action

    # ------------------------------------------------------------------ helpers

    @api.model
    def _crm_wear_threshold(self, company):
        return company.crm_equipment_wear_threshold
