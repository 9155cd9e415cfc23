from odoo import Command, http
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestComplaintPortal(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create(
            {"name": "Portal Customer Ltd", "is_company": True, "email": "portal.customer@example.com"}
        )
        cls.contact = cls.env["res.partner"].create(
            {"name": "Paula Portal", "parent_id": cls.customer.id, "email": "paula@portal.example.com"}
        )
        cls.colleague = cls.env["res.partner"].create(
            {"name": "Peter Portal", "parent_id": cls.customer.id, "email": "peter@portal.example.com"}
        )
        cls.portal_user = new_test_user(
            cls.env,
            login="svc_portal_paula",
            password="svc_portal_paula",
            groups="base.group_portal",
            partner_id=cls.contact.id,
        )
        cls.Case = cls.env["crm.complaint"]
        cls.own = cls.Case.create({"subject": "Paula's noisy fan", "partner_id": cls.contact.id})
        cls.colleague_case = cls.Case.create(
            {"subject": "Peter's cracked lid", "partner_id": cls.colleague.id}
        )
        cls.category = cls.env["crm.complaint.category"].create({"name": "Portal Hardware", "severity": "3"})

    def test_list_detail_and_refusal(self):
        self.authenticate(self.portal_user.login, self.portal_user.login)
        page = self.url_open("/my/complaints").text
        self.assertIn("noisy fan", page)
        self.assertNotIn("cracked lid", page)
        detail = self.url_open(f"/my/complaints/{self.own.id}")
        self.assertIn(self.own.name, detail.text)
        other = self.url_open(f"/my/complaints/{self.colleague_case.id}", allow_redirects=False)
        self.assertEqual(other.status_code, 303)
        self.assertTrue(other.headers["Location"].endswith("/my"))
        # the company's cases, when the company allows it
        self.env.company.crm_service_portal_company_cases = True
        self.assertIn("cracked lid", self.url_open("/my/complaints").text)
        # no portal for complaints: the pages are closed
        self.env.company.crm_service_portal = False
        self.assertTrue(
            self.url_open("/my/complaints", allow_redirects=False).headers["Location"].endswith("/my")
        )

    def test_file_new_case_then_close_and_reopen(self):
        self.authenticate(self.portal_user.login, self.portal_user.login)
        form = self.url_open("/my/complaints/new").text
        self.assertIn("Portal Hardware", form)
        response = self.url_open(
            "/my/complaints/submit",
            data={
                "subject": "Display flickers",
                "description": "Since Monday",
                "category_id": self.category.id,
                "csrf_token": http.Request.csrf_token(self),
            },
        )
        self.assertEqual(response.status_code, 200)
        case = self.Case.search([("subject", "=", "Display flickers")])
        self.assertEqual(len(case), 1)
        self.assertEqual(
            (case.partner_id, case.channel, case.category_id, case.severity),
            (self.contact, "portal", self.category, "3"),
        )
        self.assertIn("Since Monday", case.description)
        self.assertIn(case.name, response.text)
        # resolved by the agent, closed by the customer, then reopened
        case.stage_id = self.env.ref("crm_service.crm_complaint_stage_resolved")
        self.url_open(f"/my/complaints/{case.id}/solved", data={"csrf_token": http.Request.csrf_token(self)})
        self.assertEqual(case.state, "closed")
        page = self.url_open(f"/my/complaints/{case.id}").text
        self.assertIn(case.name, page)
        self.assertIn("/rate/", page)
        # Odoo's rating: the first submission is kept
        token = case.rating_ids.access_token
        self.assertTrue(token)
        self.url_open(
            f"/rate/{token}/submit_feedback", data={"rate": 5, "csrf_token": http.Request.csrf_token(self)}
        )
        self.url_open(
            f"/rate/{token}/submit_feedback", data={"rate": 1, "csrf_token": http.Request.csrf_token(self)}
        )
        case.invalidate_recordset()
        self.assertEqual((case.rating_ids.rating, case.rating_ids.consumed), (5, True))
        self.assertNotIn("/rate/", self.url_open(f"/my/complaints/{case.id}").text)
        self.url_open(f"/my/complaints/{case.id}/reopen", data={"csrf_token": http.Request.csrf_token(self)})
        self.assertEqual((case.state, case.reopen_count), ("open", 1))
        # a complaint without its root cause is not closed by the customer
        case.write(
            {
                "case_type": "complaint",
                "stage_id": self.env.ref("crm_service.crm_complaint_stage_resolved").id,
            }
        )
        response = self.url_open(
            f"/my/complaints/{case.id}/solved", data={"csrf_token": http.Request.csrf_token(self)}
        )
        self.assertIn("error=close", response.url)
        self.assertEqual(case.state, "resolved")
        # nobody closes another customer's case
        elsewhere = self.env["res.partner"].create({"name": "Elsewhere Ltd", "is_company": True})
        other = self.Case.create({"subject": "Elsewhere", "partner_id": elsewhere.id})
        other.stage_id = self.env.ref("crm_service.crm_complaint_stage_resolved")
        self.url_open(f"/my/complaints/{other.id}/solved", data={"csrf_token": http.Request.csrf_token(self)})
        self.assertEqual(other.state, "resolved")

    def _confirmed_order(self, partner, product):
        order = self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 1})],
            }
        )
        order.action_confirm()
        return order

    def test_file_case_with_product_and_files(self):
        fan = self.env["product.product"].create({"name": "Portal Ceiling Fan", "type": "consu"})
        secret = self.env["product.product"].create({"name": "Elsewhere Secret Gadget", "type": "consu"})
        self._confirmed_order(self.customer, fan)
        elsewhere = self.env["res.partner"].create({"name": "Elsewhere Buyer Ltd", "is_company": True})
        self._confirmed_order(elsewhere, secret)
        self.authenticate(self.portal_user.login, self.portal_user.login)
        form = self.url_open("/my/complaints/new").text
        # the products the customer bought are offered, never another customer's
        self.assertIn("Portal Ceiling Fan", form)
        self.assertNotIn("Elsewhere Secret Gadget", form)
        token = http.Request.csrf_token(self)
        response = self.url_open(
            "/my/complaints/submit",
            data={"subject": "Fan wobbles", "product_id": fan.id, "csrf_token": token},
            files=[
                ("attachments", ("wobble.jpg", b"\xff\xd8 a photo", "image/jpeg")),
                ("attachments", ("invoice.pdf", b"%PDF-1.4 the invoice", "application/pdf")),
            ],
        )
        self.assertEqual(response.status_code, 200)
        case = self.Case.search([("subject", "=", "Fan wobbles")])
        self.assertEqual(case.product_id, fan)
        attachments = self.env["ir.attachment"].search(
            [("res_model", "=", "crm.complaint"), ("res_id", "=", case.id)]
        )
        self.assertEqual(sorted(attachments.mapped("name")), ["invoice.pdf", "wobble.jpg"])
        self.assertEqual(attachments.filtered(lambda a: a.name == "wobble.jpg").raw, b"\xff\xd8 a photo")
        # the files are in the case's thread, sent by the customer
        message = case.message_ids.filtered("attachment_ids")
        self.assertEqual((message.author_id, message.attachment_ids), (self.contact, attachments))
        # a product the customer never bought is not set, whatever the form sends
        self.url_open(
            "/my/complaints/submit",
            data={"subject": "Gadget broken", "product_id": secret.id, "csrf_token": token},
        )
        self.assertFalse(self.Case.search([("subject", "=", "Gadget broken")]).product_id)

    def test_file_case_refuses_too_many_files(self):
        self.authenticate(self.portal_user.login, self.portal_user.login)
        response = self.url_open(
            "/my/complaints/submit",
            data={"subject": "Six photos", "csrf_token": http.Request.csrf_token(self)},
            files=[("attachments", (f"photo{i}.jpg", b"jpeg", "image/jpeg")) for i in range(6)],
        )
        self.assertIn("error=attachments", response.url)
        self.assertIn("at most 5 files", response.text)
        self.assertFalse(self.Case.search([("subject", "=", "Six photos")]))
