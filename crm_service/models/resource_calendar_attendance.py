# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models

#: the fields of a working-hours line that move the hours it counts
PLANNED_FIELDS = {
    "calendar_id",
    "dayofweek",
    "hour_from",
    "hour_to",
    "day_period",
    "week_type",
    "date_from",
    "date_to",
}


class ResourceCalendarAttendance(models.Model):
    """Working hours added, changed or removed re-plan the SLA deadlines counted on their
    calendar, as a public holiday does (see resource_calendar_leaves.py)."""

    _inherit = "resource.calendar.attendance"

    @api.model_create_multi
    def create(self, vals_list):
        attendances = super().create(vals_list)
        attendances._crm_sla_replan(attendances.calendar_id)
        return attendances

    def write(self, vals):
        touched = self.calendar_id
        result = super().write(vals)
        if PLANNED_FIELDS & set(vals):
            self._crm_sla_replan(touched | self.calendar_id)
        return result

    def unlink(self):
        touched = self.calendar_id
        result = super().unlink()
        self._crm_sla_replan(touched)
        return result

    def _crm_sla_replan(self, calendars):
        if calendars:
            self.env["crm.complaint.sla.line"]._crm_replan_calendars(calendars)


class ResourceCalendar(models.Model):
    """A calendar moved to another time zone counts its hours at other moments."""

    _inherit = "resource.calendar"

    def write(self, vals):
        result = super().write(vals)
        if "tz" in vals:
            self.env["crm.complaint.sla.line"]._crm_replan_calendars(self)
        return result
