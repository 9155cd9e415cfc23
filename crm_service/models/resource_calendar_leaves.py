# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class ResourceCalendarLeaves(models.Model):
    """A public holiday or a closing added, moved or removed re-plans the SLA deadlines counted
    on the calendars it touches (all of them for a holiday without a calendar)."""

    _inherit = "resource.calendar.leaves"

    @api.model_create_multi
    def create(self, vals_list):
        leaves = super().create(vals_list)
        leaves._crm_sla_replan()
        return leaves

    def write(self, vals):
        touched = self._crm_sla_calendars()
        result = super().write(vals)
        if {"date_from", "date_to", "calendar_id", "resource_id", "time_type"} & set(vals):
            self._crm_sla_replan(touched)
        return result

    def unlink(self):
        touched = self._crm_sla_calendars()
        result = super().unlink()
        if touched is not False:
            self.env["crm.complaint.sla.line"]._crm_replan_calendars(touched)
        return result

    def _crm_sla_calendars(self):
        """The calendars whose SLA deadlines these leaves move: None for every calendar (a
        global holiday), False for none (leaves of a single resource)."""
        leaves = self.filtered(lambda leave: not leave.resource_id)
        if not leaves:
            return False
        if any(not leave.calendar_id for leave in leaves):
            return None
        return leaves.calendar_id

    def _crm_sla_replan(self, also=False):
        calendars = self._crm_sla_calendars()
        if calendars is False:
            calendars = also
        elif calendars is not None and also:
            calendars |= also
        elif also is None:
            calendars = None
        if calendars is not False:
            self.env["crm.complaint.sla.line"]._crm_replan_calendars(calendars)
