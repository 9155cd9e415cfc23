from odoo import http
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestEquipmentPortal(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.customer = Partner.create({"name": "Portal Plant Ltd", "is_company": True})
        cls.contact = Partner.create(
            {"name": "Pia Plant", "parent_id": cls.customer.id, "email": "pia@plant.example.com"}
        )
        cls.other_customer = Partner.create({"name": "Other Works Ltd", "is_company": True})
        cls.portal_user = new_test_user(
            cls.env,
            login="eq_portal_pia",
            password="eq_portal_pia",
            groups="base.group_portal",
            partner_id=cls.contact.id,
        )
        product = cls.env["product.product"].create({"name": "Portal Boiler B7", "type": "consu"})
        Equipment = cls.env["crm.equipment"]
        cls.own = Equipment.create(
            {
                "partner_id": cls.customer.id,
                "product_id": product.id,
                "serial": "PIA-OWN-1",
                "meter_uom": "hours",
            }
        )
        cls.foreign = Equipment.create(
            {"partner_id": cls.other_customer.id, "product_id": product.id, "serial": "OTHER-SECRET-9"}
        )

    def test_list_isolation_reading_and_fault(self):
        self.authenticate(self.portal_user.login, self.portal_user.login)
        page = self.url_open("/my/equipment").text
        self.assertIn("PIA-OWN-1", page)
        self.assertNotIn("OTHER-SECRET-9", page)
        detail = self.url_open(f"/my/equipment/{self.own.id}")
        self.assertIn("PIA-OWN-1", detail.text)
        refused = self.url_open(f"/my/equipment/{self.foreign.id}", allow_redirects=False)
        self.assertEqual(refused.status_code, 303)
        self.assertTrue(refused.headers["Location"].endswith("/my/equipment"))
        # a reading on another customer's equipment is refused, on their own it is recorded
        self.url_open(
            f"/my/equipment/{self.foreign.id}/reading",
            data={"value": "50", "csrf_token": http.Request.csrf_token(self)},
        )
        self.assertFalse(self.foreign.reading_ids)
        self.url_open(
            f"/my/equipment/{self.own.id}/reading",
            data={"value": "120", "csrf_token": http.Request.csrf_token(self)},
        )
        self.assertEqual(self.own.reading_ids.value, 120.0)
        self.assertEqual(self.own.reading_ids.source, "portal")
        # a lower reading is refused with a message, nothing recorded
        response = self.url_open(
            f"/my/equipment/{self.own.id}/reading",
            data={"value": "100", "csrf_token": http.Request.csrf_token(self)},
        )
        self.assertIn("lower than the last one", response.text)
        self.assertEqual(len(self.own.reading_ids), 1)
        # a fault opens a case linked to the equipment, channel portal
        self.url_open(
            f"/my/equipment/{self.own.id}/fault",
            data={
                "subject": "Boiler whistles",
                "description": "Since the frost",
                "csrf_token": http.Request.csrf_token(self),
            },
        )
        case = self.env["crm.complaint"].search([("equipment_id", "=", self.own.id)])
        self.assertEqual(case.subject, "Boiler whistles")
        self.assertEqual(case.channel, "portal")
        self.assertEqual(case.commercial_partner_id, self.customer)
        self.url_open(
            f"/my/equipment/{self.foreign.id}/fault",
            data={"subject": "Sabotage", "csrf_token": http.Request.csrf_token(self)},
        )
        self.assertFalse(self.env["crm.complaint"].search([("equipment_id", "=", self.foreign.id)]))
        # the home page counts the customer's equipment
        counters = self.make_jsonrpc_request("/my/counters", {"counters": ["equipment_count"]})
        self.assertEqual(counters["equipment_count"], 1)
