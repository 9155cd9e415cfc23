from odoo.tests import new_test_user

from .common import ServiceCase


class EquipmentCase(ServiceCase):
    """A compressor tracked at customers with its maintenance plan (every 6 months or 1,000
    hours, 14 lead days, expected life 60 months or 10,000 hours), a technician, customers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.technician = new_test_user(
            cls.env,
            login="svc_technician",
            name="Tess Technician",
            groups="crm_service.group_crm_service_user",
        )
        cls.compressor = cls.env["product.product"].create(
            {
                "name": "Test Compressor X1",
                "type": "consu",
                "list_price": 1000.0,
                "crm_tracked_at_customer": True,
                "crm_warranty_months": 24,
            }
        )
        cls.plan = cls.env["crm.equipment.plan"].create(
            {
                "name": "X1 service",
                "product_id": cls.compressor.id,
                "interval_months": 6,
                "interval_usage": 1000.0,
                "lead_days": 14,
                "life_months": 60,
                "life_usage": 10000.0,
            }
        )
        cls.Equipment = cls.env["crm.equipment"]
        cls.Visit = cls.env["crm.service.visit"]
        cls.Reading = cls.env["crm.equipment.reading"]
        cls.company = cls.env.company
        cls.company.write(
            {
                "crm_equipment_wear_threshold": 90.0,
                "crm_equipment_fault_threshold": 3,
                "crm_equipment_team_id": cls.desk.id,
            }
        )

    def new_equipment(self, user=None, **vals):
        values = {
            "partner_id": self.tiered_customer.id,
            "product_id": self.compressor.id,
            "install_date": "2024-01-01",
        }
        values.update(vals)
        return self.Equipment.with_user(user or self.agent).create(values)
