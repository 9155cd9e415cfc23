from odoo import http
from odoo.exceptions import ValidationError
from odoo.http import request
from odoo.tools import plaintext2html

from odoo.addons.portal.controllers.portal import CustomerPortal


class EquipmentPortal(CustomerPortal):
    """``/my/equipment``: a customer's equipment, its next visit, a meter reading or a fault.

    Portal users have no access rights on the equipment models: every read and write goes
    through ``_crm_portal_equipment``, which only ever returns equipment of the user's own
    customer company (commercial partner), in a company with the service portal on."""

    def _crm_portal_equipment(self, equipment_id=None):
        partner = request.env.user.partner_id
        if request.env.user._is_public():
            return request.env["crm.equipment"]
        domain = [
            ("partner_id", "=", partner.commercial_partner_id.id),
            ("company_id.crm_service_portal", "=", True),
            ("state", "!=", "retired"),
        ]
        if equipment_id is not None:
            domain.append(("id", "=", int(equipment_id)))
        # sudo: the domain restricts the search to the user's own customer company
        return request.env["crm.equipment"].sudo().search(domain)

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "equipment_count" in counters:
            values["equipment_count"] = len(self._crm_portal_equipment())
        return values

    @http.route(["/my/equipment"], type="http", auth="user", website=True)
    def portal_my_equipment(self, **kw):
        equipment = self._crm_portal_equipment()
        values = self._prepare_portal_layout_values()
        values.update({"equipment": equipment, "page_name": "equipment"})
        return request.render("crm_service.portal_my_equipment", values)

    @http.route(["/my/equipment/<int:equipment_id>"], type="http", auth="user", website=True)
    def portal_equipment_page(self, equipment_id, error=None, **kw):
        equipment = self._crm_portal_equipment(equipment_id)
        if not equipment:
            return request.redirect("/my/equipment")
        next_visit = equipment.visit_ids.filtered(lambda visit: visit.state == "planned").sorted(
            "scheduled_date"
        )[:1]
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "item": equipment,
                "next_visit": next_visit,
                "readings": equipment.reading_ids[:10],
                "page_name": "equipment_page",
                "error": error,
            }
        )
        return request.render("crm_service.portal_equipment_page", values)

    @http.route(
        ["/my/equipment/<int:equipment_id>/reading"], type="http", auth="user", methods=["POST"], website=True
    )
    def portal_equipment_reading(self, equipment_id, value=None, **kw):
        equipment = self._crm_portal_equipment(equipment_id)
        if not equipment:
            return request.redirect("/my/equipment")
        try:
            reading = float(value)
        except (TypeError, ValueError):
            return request.redirect(f"/my/equipment/{equipment.id}?error=value")
        try:
            with request.env.cr.savepoint():
                # sudo: the equipment is the user's own (checked above); the reading is validated
                # by the model like any other (date order, never lower)
                request.env["crm.equipment.reading"].sudo().create(
                    {"equipment_id": equipment.id, "value": reading, "source": "portal"}
                )
        except ValidationError:
            return request.redirect(f"/my/equipment/{equipment.id}?error=lower")
        return request.redirect(f"/my/equipment/{equipment.id}")

    @http.route(
        ["/my/equipment/<int:equipment_id>/fault"], type="http", auth="user", methods=["POST"], website=True
    )
    def portal_equipment_fault(self, equipment_id, subject="", description="", **kw):
        equipment = self._crm_portal_equipment(equipment_id)
        if not equipment:
            return request.redirect("/my/equipment")
        subject = (subject or "").strip()
        if not subject:
            return request.redirect(f"/my/equipment/{equipment.id}?error=subject")
        # sudo: the customer files a case about their own equipment (checked above), as on
        # /my/complaints; the values are the form's text and the equipment's
        case = (
            request.env["crm.complaint"]
            .sudo()
            .create(
                {
                    "subject": subject,
                    "description": plaintext2html(description or ""),
                    "partner_id": request.env.user.partner_id.id,
                    "channel": "portal",
                    "company_id": equipment.company_id.id,
                    "equipment_id": equipment.id,
                    "product_id": equipment.product_id.id,
                }
            )
        )
        case._crm_send_acknowledgement()
        return request.redirect(case.get_portal_url())
