from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

READING_SOURCES = [
    ("manual", "Manual"),
    ("visit", "Visit"),
    ("portal", "Portal"),
    ("import", "Import"),
]


class CrmEquipmentReading(models.Model):
    """A reading of an equipment's usage meter. Readings are recorded in date order and never go
    down, unless the reading is flagged as a meter reset."""

    _name = "crm.equipment.reading"
    _description = "Equipment Meter Reading"
    _order = "date desc, id desc"
    _check_company_auto = True

    equipment_id = fields.Many2one(
        "crm.equipment", required=True, index=True, ondelete="cascade", check_company=True
    )
    company_id = fields.Many2one(related="equipment_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="equipment_id.partner_id", store=True, string="Customer")
    date = fields.Date(required=True, default=fields.Date.context_today)
    value = fields.Float(string="Reading", required=True)
    meter_uom = fields.Char(related="equipment_id.meter_uom")
    reset = fields.Boolean(
        string="Meter Reset",
        help="The meter was reset or replaced: the reading may be lower than the previous one.",
    )
    source = fields.Selection(READING_SOURCES, required=True, default="manual")
    visit_id = fields.Many2one(
        "crm.service.visit", index="btree_not_null", ondelete="set null", check_company=True
    )
    usage_total = fields.Float(
        string="Cumulative Usage", readonly=True, help="The equipment's usage up to this reading."
    )
    note = fields.Char()

    @api.model_create_multi
    def create(self, vals_list):
        equipment_ids = {vals.get("equipment_id") for vals in vals_list if vals.get("equipment_id")}
        last = self._crm_last_readings(list(equipment_ids))
        today = fields.Date.context_today(self)
        ordered = sorted(
            enumerate(vals_list),
            key=lambda item: (
                item[1].get("equipment_id") or 0,
                fields.Date.to_date(item[1].get("date")) or today,
            ),
        )
        for _index, vals in ordered:
            if not vals.get("equipment_id"):
                continue
            date = fields.Date.to_date(vals.get("date")) or today
            value = float(vals.get("value") or 0.0)
            previous = last.get(vals["equipment_id"])
            usage = value
            if previous:
                prev_date, prev_value, prev_usage = previous
                if date < prev_date:
                    raise ValidationError(self._crm_message_order(vals["equipment_id"], date, prev_date))
                if value < prev_value and not vals.get("reset"):
                    raise ValidationError(self._crm_message_lower(vals["equipment_id"], value, prev_value))
                usage = prev_usage + (value if vals.get("reset") else value - prev_value)
            elif value < 0:
                raise ValidationError(
                    self.env._("A meter reading cannot be negative (%(value)s).", value=value)
                )
            vals["usage_total"] = usage
            last[vals["equipment_id"]] = (date, value, usage)
        return super().create(vals_list)

    def write(self, vals):
        if {"equipment_id", "date", "value", "reset"} & set(vals) and not self.env.su:
            raise UserError(
                self.env._(
                    "A meter reading cannot be changed once recorded (the usage after it counts on it): "
                    "delete it and record it again, or record a new reading."
                )
            )
        return super().write(vals)

    def _crm_last_readings(self, equipment_ids):
        """{equipment id: (date, value, usage_total)} of the last reading of each equipment."""
        if not equipment_ids:
            return {}
        self.flush_model(["equipment_id", "date", "value", "usage_total"])
        self.env.cr.execute(
            SQL(
                """SELECT DISTINCT ON (equipment_id) equipment_id, date, value, usage_total
                     FROM crm_equipment_reading
                    WHERE equipment_id = ANY(%s)
                 ORDER BY equipment_id, date DESC, id DESC""",
                equipment_ids,
            )
        )
        return {row[0]: (row[1], row[2], row[3] or 0.0) for row in self.env.cr.fetchall()}

    def _crm_message_order(self, equipment_id, date, prev_date):
        equipment = self.env["crm.equipment"].browse(equipment_id)
        return self.env._(
            "Equipment %(equipment)s: a reading dated %(date)s comes before its last reading (%(last)s). "
            "Record readings in date order.",
            equipment=equipment.display_name,
            date=date,
            last=prev_date,
        )

    def _crm_message_lower(self, equipment_id, value, prev_value):
        equipment = self.env["crm.equipment"].browse(equipment_id)
        return self.env._(
            "Equipment %(equipment)s: the reading %(value)s is lower than the last one (%(last)s). "
            "Check the figure, or tick Meter Reset if the meter was reset or replaced.",
            equipment=equipment.display_name,
            value=value,
            last=prev_value,
        )
