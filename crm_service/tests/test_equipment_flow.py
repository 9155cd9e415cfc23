import re
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .equipment_common import EquipmentCase


@tagged("post_install", "-at_install")
class TestEquipmentFlow(EquipmentCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        stage_customer = cls.env.ref("crm_lifecycle.stage_customer")
        cls.rival = new_test_user(
            cls.env, login="eq_rival_sales", name="Rick Rival", groups="sales_team.group_sale_salesman"
        )
        cls.own_customer = cls.env["res.partner"].create(
            {
                "name": "Sally's Equipment Customer",
                "is_company": True,
                "lifecycle_stage_id": stage_customer.id,
                "user_id": cls.salesperson.id,
            }
        )
        cls.rival_customer = cls.env["res.partner"].create(
            {
                "name": "Rick's Equipment Customer",
                "is_company": True,
                "lifecycle_stage_id": stage_customer.id,
                "user_id": cls.rival.id,
            }
        )
        cls.today = fields.Date.context_today(cls.env["crm.equipment"])

    # ------------------------------------------------------------------ creation

    def test_equipment_from_delivered_lines_idempotent(self):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.tiered_contact.id,
                "order_line": [Command.create({"product_id": self.compressor.id, "product_uom_qty": 3})],
            }
        )
        order.action_confirm()
        line = order.order_line
        self.assertFalse(line.crm_equipment_ids)
        line.write({"qty_delivered": 1})
        self.assertEqual(len(line.crm_equipment_ids), 1)
        line.write({"qty_delivered": 2})
        line.write({"qty_delivered": 2})
        line.invalidate_recordset(["crm_equipment_ids"])
        equipment = line.crm_equipment_ids
        self.assertEqual(len(equipment), 2)
        self.assertEqual(equipment.partner_id, self.tiered_customer)
        self.assertEqual(set(equipment.mapped("install_date")), {self.today})
        self.assertEqual(set(equipment.mapped("warranty_end")), {self.today + relativedelta(months=24)})
        self.assertEqual(equipment.plan_id, self.plan)
        # a product not tracked at customers gives none
        other = self.env["product.product"].create({"name": "Filter cartridge", "type": "consu"})
        order.write({"order_line": [Command.create({"product_id": other.id, "product_uom_qty": 1})]})
        order.order_line.filtered(lambda line: line.product_id == other).write({"qty_delivered": 1})
        self.assertEqual(self.Equipment.search_count([("sale_line_id.order_id", "=", order.id)]), 2)

    def test_import_with_load(self):
        result = self.Equipment.with_user(self.agent).load(
            ["partner_id", "product_id", "serial", "install_date", "meter_uom"],
            [
                [self.tiered_customer.name, self.compressor.name, "IMP-001", "2024-01-01", "hours"],
                [self.tiered_customer.name, self.compressor.name, "IMP-002", "2024-02-01", "hours"],
            ],
        )
        self.assertFalse(result["messages"], result["messages"])
        self.assertEqual(len(result["ids"]), 2)
        imported = self.Equipment.browse(result["ids"])
        self.assertEqual(imported.mapped("serial"), ["IMP-001", "IMP-002"])
        readings = self.Reading.with_user(self.agent).load(
            ["equipment_id", "date", "value", "source"],
            [[imported[0].name, "2024-03-01", "120", "import"]],
        )
        self.assertFalse(readings["messages"], readings["messages"])
        self.assertEqual(imported[0].meter_value, 120.0)

    # ------------------------------------------------------------------ daily cron

    def test_cron_plans_due_visits_once(self):
        due = self.new_equipment(serial="DUE-1", install_date=self.today - relativedelta(months=6, days=-5))
        own_tech = self.new_equipment(
            serial="DUE-2",
            install_date=self.today - relativedelta(months=6, days=-5),
            user_id=self.technician.id,
        )
        later = self.new_equipment(serial="LATER", install_date=self.today - relativedelta(months=1))
        self.assertLessEqual(due.next_plan_date, self.today)
        self.assertGreater(later.next_plan_date, self.today)
        self.Equipment._cron_equipment_daily()
        visits = self.Visit.search([("equipment_id", "in", (due | own_tech | later).ids)])
        self.assertEqual(visits.equipment_id, due | own_tech)
        self.assertEqual(set(visits.mapped("state")), {"planned"})
        by_equipment = {visit.equipment_id: visit for visit in visits}
        # the customer has no service team: the company's equipment team's leader
        self.assertEqual(by_equipment[due].user_id, self.service_manager)
        self.assertEqual(by_equipment[due].activity_ids.user_id, self.service_manager)
        self.assertEqual(by_equipment[due].scheduled_date, due.next_due)
        self.assertEqual(by_equipment[own_tech].activity_ids.user_id, self.technician)
        # rerun: nothing twice
        self.Equipment._cron_equipment_daily()
        self.assertEqual(self.Visit.search_count([("equipment_id", "in", (due | own_tech).ids)]), 2)
        # a cancelled visit is not planned again for the same due date
        by_equipment[due].action_cancel()
        self.Equipment._cron_equipment_daily()
        self.assertEqual(self.Visit.search_count([("equipment_id", "=", due.id)]), 1)

    def test_cron_batches_resume(self):
        equipment = self.Equipment.create(
            [
                {
                    "partner_id": self.tiered_customer.id,
                    "product_id": self.compressor.id,
                    "serial": f"BATCH-{index}",
                    "install_date": self.today - relativedelta(months=7),
                }
                for index in range(5)
            ]
        )
        planned = self.Equipment._crm_plan_due_visits(self.today, batch_size=2)
        self.assertGreaterEqual(planned, 5)
        self.assertEqual(self.Visit.search_count([("equipment_id", "in", equipment.ids)]), 5)
        self.assertEqual(self.Equipment._crm_plan_due_visits(self.today, batch_size=2), 0)

    # ------------------------------------------------------------------ replacement

    def test_replacement_at_wear_threshold_once(self):
        worn = self.new_equipment(
            serial="WORN", partner_id=self.own_customer.id, install_date=self.today - relativedelta(months=57)
        )
        fresh = self.new_equipment(serial="FRESH", partner_id=self.own_customer.id)
        self.assertGreaterEqual(worn.wear_percent, 90.0)
        self.Equipment._cron_equipment_daily()
        leads = self.env["crm.lead"].search([("crm_equipment_id", "in", (worn | fresh).ids)])
        self.assertEqual(leads.crm_equipment_id, worn)
        self.assertEqual(leads.user_id, self.salesperson)
        self.assertEqual(leads.crm_equipment_reason, "wear")
        self.assertEqual(leads.type, "opportunity")
        self.assertIn("WORN", leads.name)
        self.Equipment._cron_equipment_daily()
        self.assertEqual(self.env["crm.lead"].search_count([("crm_equipment_id", "=", worn.id)]), 1)
        # once lost, the next run proposes it again
        leads.action_set_lost()
        self.Equipment._cron_equipment_daily()
        self.assertEqual(self.env["crm.lead"].search_count([("crm_equipment_id", "=", worn.id)]), 1)
        self.assertEqual(
            self.env["crm.lead"]
            .with_context(active_test=False)
            .search_count([("crm_equipment_id", "=", worn.id)]),
            2,
        )

    def test_replacement_after_faults_when_recorded(self):
        equipment = self.new_equipment(serial="FAULTY", partner_id=self.own_customer.id).sudo()
        for index in range(2):
            self.new_case(
                subject=f"Fault {index}", partner_id=self.own_customer.id, equipment_id=equipment.id
            )
        self.assertFalse(equipment.lead_ids)
        self.assertEqual(equipment.fault_count_12m, 2)
        # the third fault (a corrective visit without a case) creates the opportunity at once
        self.Visit.with_user(self.agent).create({"equipment_id": equipment.id, "visit_type": "corrective"})
        equipment.invalidate_recordset(["lead_ids", "fault_count", "fault_count_12m"])
        self.assertEqual(equipment.fault_count_12m, 3)
        self.assertEqual(len(equipment.lead_ids), 1)
        self.assertEqual(equipment.lead_ids.crm_equipment_reason, "faults")
        self.new_case(subject="Fault 4", partner_id=self.own_customer.id, equipment_id=equipment.id)
        equipment.invalidate_recordset(["lead_ids"])
        self.assertEqual(len(equipment.lead_ids), 1)

    # ------------------------------------------------------------------ faults, MTBF

    def test_mtbf_per_product_model(self):
        product = self.env["product.product"].create({"name": "MTBF Pump", "type": "consu"})
        first = self.new_equipment(
            serial="P1", product_id=product.id, install_date=self.today - timedelta(days=400)
        )
        second = self.new_equipment(
            serial="P2", product_id=product.id, install_date=self.today - timedelta(days=100)
        )
        second.write({"state": "retired"})
        # retired 50 days after its installation
        second.retire_date = self.today - timedelta(days=50)
        case = self.new_case(subject="Pump leaks", equipment_id=first.id, root_cause_id=self.root_cause.id)
        self.new_case(subject="Pump stops", equipment_id=second.id, root_cause_id=self.root_cause.id)
        self.Visit.create({"equipment_id": first.id, "visit_type": "corrective"})
        # the visit answering a case is that case's fault: not counted twice
        self.Visit.create({"equipment_id": first.id, "visit_type": "corrective", "complaint_id": case.id})
        # cancelled cases are no faults
        cancelled = self.new_case(subject="Wrong pump", equipment_id=first.id)
        cancelled.stage_id = self.stage["cancelled"]
        mtbf = self.env["crm.equipment.mtbf.report"]._crm_mtbf(self.company, self.today)
        # 400 + 50 operating days over 3 faults
        self.assertEqual(mtbf[product.product_tmpl_id.id], (2, 450, 3, 150.0))
        row = self.env["crm.equipment.mtbf.report"].search(
            [("product_tmpl_id", "=", product.product_tmpl_id.id)]
        )
        self.assertEqual(
            (row.equipment_count, row.operating_days, row.failure_count, row.mtbf_days), (2, 450, 3, 150.0)
        )
        causes = self.env["crm.equipment.fault"]._read_group(
            [("product_tmpl_id", "=", product.product_tmpl_id.id)], ["root_cause_id"], ["fault_count:sum"]
        )
        self.assertIn((self.root_cause, 2), causes)

    # ------------------------------------------------------------------ value

    def test_benefit_components_and_churn_signal(self):
        Score = self.env["crm.value.score"]
        keys = [component["key"] for component in Score._crm_value_benefit_components()]
        self.assertIn("visits_on_time", keys)
        self.assertIn("availability", keys)
        equipment = self.new_equipment(
            serial="VALUE", partner_id=self.own_customer.id, install_date=self.today - relativedelta(years=3)
        )
        on_time = self.Visit.create(
            {"equipment_id": equipment.id, "scheduled_date": self.today - timedelta(days=30)}
        )
        on_time.write({"date": self.today - timedelta(days=31)})
        late = self.Visit.create(
            {"equipment_id": equipment.id, "scheduled_date": self.today - timedelta(days=20)}
        )
        late.write({"date": self.today - timedelta(days=10)})
        (on_time | late).action_done()
        values = Score._crm_value_benefit_visits_on_time(self.company, self.today, [self.own_customer.id])
        self.assertEqual(values, {self.own_customer.id: 0.5})
        repair = self.Visit.create(
            {
                "equipment_id": equipment.id,
                "visit_type": "corrective",
                "scheduled_date": self.today - timedelta(days=10),
            }
        )
        repair.write({"date": self.today - timedelta(days=5)})
        repair.action_done()
        date_from, date_to = Score._crm_value_benefit_period(self.company, self.today)
        period_days = (date_to - date_from).days
        availability = Score._crm_value_benefit_availability(self.company, self.today, [self.own_customer.id])
        self.assertAlmostEqual(availability[self.own_customer.id], 1 - 5 / period_days, places=6)
        # repeated faults raise the churn signal
        signals = dict(Score._crm_value_churn_signals(self.company, self.today))
        self.env.cr.execute(signals["service_repeated_faults"])
        self.assertNotIn(self.own_customer.id, [row[0] for row in self.env.cr.fetchall()])
        for index in range(2):
            self.new_case(
                subject=f"Breakdown {index}", partner_id=self.own_customer.id, equipment_id=equipment.id
            )
        signals = dict(Score._crm_value_churn_signals(self.company, self.today))
        self.env.cr.execute(signals["service_repeated_faults"])
        self.assertIn(self.own_customer.id, [row[0] for row in self.env.cr.fetchall()])
        # the Value tab's figures
        self.assertEqual(self.own_customer.crm_equipment_count, 1)
        self.assertEqual(self.own_customer.crm_equipment_wear_max, equipment.wear_percent)

    # ------------------------------------------------------------------ access

    def test_access_by_role(self):
        own = self.new_equipment(serial="ACC-OWN", partner_id=self.own_customer.id)
        rival = self.new_equipment(serial="ACC-RIVAL", partner_id=self.rival_customer.id)
        # the agent records visits and readings
        visit = self.Visit.with_user(self.agent).create({"equipment_id": own.id})
        self.Reading.with_user(self.agent).create({"equipment_id": own.id, "value": 10})
        # the salesperson reads their customers' equipment, not another salesperson's
        Equipment = self.Equipment.with_user(self.salesperson)
        self.assertEqual(Equipment.search([("id", "in", (own | rival).ids)]), own)
        self.assertEqual(
            self.Visit.with_user(self.salesperson).search([("equipment_id", "in", (own | rival).ids)]), visit
        )
        with self.assertRaises(AccessError):
            rival.with_user(self.salesperson).read(["name"])
        with self.assertRaises(AccessError):
            own.with_user(self.salesperson).write({"serial": "CHANGED"})
        with self.assertRaises(AccessError):
            Equipment.create({"partner_id": self.own_customer.id, "product_id": self.compressor.id})
        # every field of the equipment and visit forms opens for the agent and the salesperson
        for model, record in (("crm.equipment", own), ("crm.service.visit", visit)):
            arch = self.env[model].get_views([(False, "form")])["views"]["form"]["arch"]
            names = sorted(set(re.findall(r'<field name="(\w+)"', arch)) & set(self.env[model]._fields))
            for user in (self.agent, self.salesperson):
                self.assertTrue(record.with_user(user).read(names))
        # agents do not configure plans
        with self.assertRaises(AccessError):
            self.env["crm.equipment.plan"].with_user(self.agent).create(
                {"name": "Agent plan", "product_id": self.compressor.id, "interval_months": 1}
            )
        self.env["crm.equipment.plan"].with_user(self.service_manager).create(
            {"name": "Manager plan", "equipment_id": own.id, "interval_months": 1}
        )
        # a portal user has no direct access
        portal = new_test_user(
            self.env, login="eq_portal", groups="base.group_portal", partner_id=self.tiered_contact.id
        )
        with self.assertRaises(AccessError):
            self.Equipment.with_user(portal).search([])
        # another company's agent sees none of this company's equipment
        other_company = self.env["res.company"].create({"name": "Equipment Branch Co"})
        branch_agent = new_test_user(
            self.env,
            login="eq_branch_agent",
            groups="crm_service.group_crm_service_user",
            company_id=other_company.id,
            company_ids=[Command.set(other_company.ids)],
        )
        self.assertFalse(self.Equipment.with_user(branch_agent).search([("id", "in", (own | rival).ids)]))
        with self.assertRaises(AccessError):
            own.with_user(branch_agent).read(["name"])

    def test_menus_open(self):
        for menu in (
            "crm_service.crm_equipment_menu",
            "crm_service.crm_service_visit_menu",
            "crm_service.crm_equipment_due_menu",
            "crm_service.crm_equipment_wear_menu",
            "crm_service.crm_equipment_mtbf_menu",
            "crm_service.crm_equipment_fault_menu",
        ):
            self.assertMenuOpens(self.agent, menu)
        self.assertMenuOpens(self.service_manager, "crm_service.crm_equipment_plan_menu")
        self.assertMenuOpens(self.salesperson, "crm_service.crm_equipment_menu")
        self.assertMenuHidden(self.agent, "crm_service.crm_equipment_plan_menu")

    def test_settings_and_value_tab(self):
        company = self.assertSettingsBlock(
            "crm_equipment_setting_container", "crm_equipment_wear_threshold", 80.0
        )
        self.assertEqual(company.crm_equipment_wear_threshold, 80.0)
        company = self.assertSettingsBlock(
            "crm_value_benefit_setting_container", "crm_service_benefit_weight_availability", 2.0
        )
        self.assertEqual(company.crm_service_benefit_weight_availability, 2.0)
        # the Value tab of the partner form shows the installed base group
        arch = (
            self.env["res.partner"]
            .with_user(self.sales_manager)
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        self.assertIn('name="crm_service_equipment_group"', arch)
        self.assertIn('name="action_view_crm_equipment"', arch)
        # the product form has the checkbox
        arch = self.env["product.template"].get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn('name="crm_tracked_at_customer"', arch)

    def test_equipment_from_validated_delivery_with_sale_stock(self):
        if "move_ids" not in self.env["sale.order.line"]._fields:
            self.skipTest(
                "sale_stock is not installed: deliveries are the delivered quantity typed on the order"
            )
        self.compressor.is_storable = True
        warehouse = self.env["stock.warehouse"].search([("company_id", "=", self.company.id)], limit=1)
        self.env["stock.quant"]._update_available_quantity(self.compressor, warehouse.lot_stock_id, 5)
        order = self.env["sale.order"].create(
            {
                "partner_id": self.tiered_contact.id,
                "order_line": [Command.create({"product_id": self.compressor.id, "product_uom_qty": 2})],
            }
        )
        order.action_confirm()
        picking = order.picking_ids
        picking.move_ids.quantity = 2
        picking.move_ids.picked = True
        picking.button_validate()
        self.assertEqual(picking.state, "done")
        line = order.order_line
        self.assertEqual(line.qty_delivered, 2)
        line.invalidate_recordset(["crm_equipment_ids"])
        self.assertEqual(len(line.crm_equipment_ids), 2)
        self.assertEqual(set(line.crm_equipment_ids.mapped("install_date")), {picking.date_done.date()})
        # recomputing the delivered quantity creates nothing more
        line._compute_qty_delivered()
        self.assertEqual(self.Equipment.search_count([("sale_line_id", "=", line.id)]), 2)
