from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestEquipmentTour(HttpCase):
    def test_agent_records_visit_that_resets_plan(self):
        agent = (
            self.env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "name": "Tour Equipment Agent",
                    "login": "eq_tour_agent",
                    "password": "eq_tour_agent",
                    "email": "eq_tour_agent@example.com",
                    "tz": "UTC",
                    "groups_id": [Command.set(self.env.ref("crm_service.group_crm_service_user").ids)],
                }
            )
        )
        product = self.env["product.product"].create({"name": "Tour Chiller", "type": "consu"})
        self.env["crm.equipment.plan"].create(
            {"name": "Chiller service", "product_id": product.id, "interval_months": 6}
        )
        customer = self.env["res.partner"].create({"name": "Tour Cold Store", "is_company": True})
        today = fields.Date.context_today(self.env["crm.equipment"])
        equipment = self.env["crm.equipment"].create(
            {
                "partner_id": customer.id,
                "product_id": product.id,
                "serial": "TOUR-EQ-42",
                "install_date": today - relativedelta(months=7),
            }
        )
        self.assertEqual(equipment.next_due, today - relativedelta(months=1))
        self.start_tour("/odoo", "crm_equipment_visit_tour", login=agent.login)
        equipment.invalidate_recordset()
        visit = equipment.visit_ids
        self.assertEqual(visit.state, "done")
        self.assertEqual(visit.create_uid, agent)
        self.assertEqual(visit.date, today)
        self.assertEqual(equipment.last_service_date, today)
        self.assertEqual(equipment.meter_value, 150.0)
        # the plan's clock restarts at the visit: six months from today
        self.assertEqual(equipment.next_due, today + relativedelta(months=6))
