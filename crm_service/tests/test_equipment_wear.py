from datetime import date

from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from ..utils import equipment_wear
from .equipment_common import EquipmentCase


@tagged("post_install", "-at_install")
class TestEquipmentWear(EquipmentCase):
    def test_pure_formulas(self):
        # 2024-01-01 + 60 months = 2029-01-01: 1827 days (two leap years)
        self.assertEqual(equipment_wear.life_days(date(2024, 1, 1), 60), 1827)
        # 913 days of 1827 in time (49.97%) beats 1,100 of 10,000 hours (11%)
        self.assertEqual(
            equipment_wear.wear_percent(date(2026, 7, 2), date(2024, 1, 1), 1100.0, 60, 10000.0), 49.97
        )
        # retired on 2024-03-01: the time stops there
        self.assertEqual(
            equipment_wear.wear_percent(
                date(2026, 7, 2), date(2024, 1, 1), 0.0, 60, 0.0, end_date=date(2024, 3, 1)
            ),
            3.28,
        )
        self.assertEqual(equipment_wear.wear_band(89.99), "75_90")
        self.assertEqual(equipment_wear.wear_band(120.0), "100_plus")
        self.assertIsNone(equipment_wear.next_due(None, 6))
        self.assertEqual(equipment_wear.mtbf_days(450, 3), 150.0)
        self.assertIsNone(equipment_wear.mtbf_days(450, 0))

    @freeze_time("2024-03-01")
    def test_next_due_and_wear_follow_readings_and_visits(self):
        equipment = self.new_equipment(serial="X1-WEAR")
        # no reading: the time interval only, 6 months after the installation
        self.assertEqual(equipment.next_due, date(2024, 7, 1))
        self.assertEqual(equipment.next_plan_date, date(2024, 6, 17))
        # 60 days of 1827 in time: 3.28%
        self.assertEqual(equipment.wear_percent, 3.28)
        # 450 hours in 60 days (7.5 a day): the 550 hours left take 74 days (73.3 rounded up)
        self.Reading.with_user(self.agent).create(
            {"equipment_id": equipment.id, "date": "2024-03-01", "value": 450}
        )
        self.assertEqual(equipment.usage_total, 450.0)
        self.assertEqual(equipment.next_due, date(2024, 5, 14))
        self.assertEqual(equipment.next_plan_date, date(2024, 4, 30))
        # the usage (450 of 10,000 hours: 4.5%) now beats the time (3.28%)
        self.assertEqual(equipment.wear_percent, 4.5)
        self.assertEqual(equipment.wear_band, "0_25")
        # a preventive visit done on 2024-05-28 with 1,100 hours resets the plan's clock:
        # 1,100 hours in 148 days, the next 1,000 take 135 days: 2024-10-10 (before 2024-11-28)
        visit = self.Visit.with_user(self.technician).create(
            {"equipment_id": equipment.id, "visit_type": "preventive", "scheduled_date": "2024-05-14"}
        )
        visit.with_user(self.technician).write({"date": "2024-05-28", "meter_reading": 1100.0})
        visit.with_user(self.technician).action_done()
        self.assertEqual(visit.state, "done")
        self.assertEqual(visit.usage_at_visit, 1100.0)
        self.assertEqual(equipment.last_service_date, date(2024, 5, 28))
        self.assertEqual(self.Reading.search([("equipment_id", "=", equipment.id)], limit=1).source, "visit")
        self.assertEqual(equipment.next_due, date(2024, 10, 10))

    def test_cron_refreshes_wear_as_the_compute_does(self):
        equipment = self.new_equipment(serial="X1-CRON")
        self.Reading.create({"equipment_id": equipment.id, "date": "2024-05-28", "value": 1100})
        with freeze_time("2026-07-02"):
            self.Equipment._crm_refresh_wear(date(2026, 7, 2))
            # 913 days of the 1827 of its expected life
            self.assertEqual(equipment.wear_percent, 49.97)
            self.assertEqual(equipment.wear_band, "25_50")
            equipment._compute_wear()
            self.assertEqual(equipment.wear_percent, 49.97)

    def test_readings_never_go_down_unless_reset(self):
        equipment = self.new_equipment(serial="X1-READ")
        self.Reading.with_user(self.agent).create(
            {"equipment_id": equipment.id, "date": "2024-02-01", "value": 500}
        )
        with self.assertRaisesText(
            ValidationError, r"X1-READ.*lower than the last one \(500.0\).*Meter Reset"
        ):
            self.Reading.with_user(self.agent).create(
                {"equipment_id": equipment.id, "date": "2024-03-01", "value": 200}
            )
        with self.assertRaisesText(ValidationError, r"comes before its last reading"):
            self.Reading.with_user(self.agent).create(
                {"equipment_id": equipment.id, "date": "2024-01-15", "value": 600}
            )
        # a new meter: 200 more hours counted after the reset
        reset = self.Reading.with_user(self.agent).create(
            {"equipment_id": equipment.id, "date": "2024-03-01", "value": 200, "reset": True}
        )
        self.assertEqual(reset.usage_total, 700.0)
        self.assertEqual(equipment.meter_value, 200.0)
        self.assertEqual(equipment.usage_total, 700.0)
        with self.assertRaisesText(UserError, "cannot be changed once recorded"):
            reset.with_user(self.agent).write({"value": 900})
        # several readings at once are chained in date order
        self.Reading.with_user(self.agent).create(
            [
                {"equipment_id": equipment.id, "date": "2024-05-01", "value": 400},
                {"equipment_id": equipment.id, "date": "2024-04-01", "value": 300},
            ]
        )
        self.assertEqual(equipment.usage_total, 900.0)

    def test_visit_state_only_through_actions(self):
        equipment = self.new_equipment(serial="X1-STATE")
        visit = self.Visit.with_user(self.agent).create(
            {"equipment_id": equipment.id, "visit_type": "preventive"}
        )
        with self.assertRaisesText(UserError, "through its buttons"):
            visit.with_user(self.agent).write({"state": "done"})
        visit.with_user(self.agent).action_cancel()
        self.assertEqual(visit.state, "cancelled")

    def test_corrective_visit_puts_equipment_under_repair_then_back(self):
        equipment = self.new_equipment(serial="X1-REPAIR")
        visit = self.Visit.with_user(self.agent).create(
            {"equipment_id": equipment.id, "visit_type": "corrective"}
        )
        self.assertEqual(equipment.state, "under_repair")
        visit.with_user(self.agent).action_done()
        self.assertEqual(equipment.state, "in_service")
        # a corrective visit does not reset the preventive plan
        self.assertFalse(equipment.last_service_date)

    def test_equipment_plan_beats_product_plan(self):
        equipment = self.new_equipment(serial="X1-OWN")
        self.assertEqual(equipment.plan_id, self.plan)
        own = self.env["crm.equipment.plan"].create(
            {"name": "Heavy duty", "equipment_id": equipment.id, "interval_months": 3}
        )
        self.assertEqual(equipment.plan_id, own)
        self.assertEqual(equipment.next_due, date(2024, 4, 1))
        with self.assertRaisesText(ValidationError, "choose the product or the equipment"):
            self.env["crm.equipment.plan"].create({"name": "Nothing", "interval_months": 3})
