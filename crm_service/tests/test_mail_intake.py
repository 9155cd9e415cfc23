from odoo.tests import tagged

from odoo.addons.mail.tests.common import MockEmail

from .common import ServiceCase

MAIL = """Return-Path: {return_path}
To: {to}
cc: {cc}
From: {email_from}
Subject: {subject}
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Date: Fri, 10 Aug 2012 14:16:26 +0000
Message-ID: {msg_id}
{extra}

The screen of the unit we bought stays black.
--
Sylvie
"""


@tagged("post_install", "-at_install")
class TestMailIntake(ServiceCase, MockEmail):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._init_mail_gateway()
        cls.desk.write({"alias_name": "case-intake", "alias_domain_id": cls.mail_alias_domain.id})
        cls.other_company = cls.env["res.company"].create({"name": "Service Branch Mail"})
        cls.branch_desk = cls.env["crm.service.team"].create(
            {
                "name": "Branch Desk",
                "company_id": cls.other_company.id,
                "alias_name": "branch-support",
                "alias_domain_id": cls.mail_alias_domain.id,
            }
        )

    def receive(self, subject, email_from="Sylvie Lelitre <sylvie@agrolait.example.com>", to=None, **kwargs):
        self.format_and_process(
            MAIL,
            email_from,
            to or f"case-intake@{self.alias_domain}",
            subject=subject,
            target_model="crm.complaint",
            target_field="subject",
            **kwargs,
        )
        return self.Case.search([], order="id desc", limit=1)

    def test_email_creates_case_for_new_sender_and_acknowledges(self):
        with self.mock_mail_gateway():
            case = self.receive("Black screen")
        self.assertEqual(case.subject, "Black screen")
        self.assertEqual(case.team_id, self.desk)
        self.assertEqual(case.company_id, self.env.company)
        self.assertEqual(case.channel, "email")
        self.assertRegex(case.name, r"^CASE-")
        self.assertEqual(case.partner_id.email, "sylvie@agrolait.example.com")
        self.assertIn("stays black", case.description)
        self.assertIn(case.partner_id, case.message_partner_ids)
        # the acknowledgement states the reference and is no first response
        self.assertSentEmail(
            self.env.user.partner_id, [case.partner_id], subject=f"[{case.name}] Black screen"
        )
        ack = case.message_ids.filtered(lambda message: case.name in (message.subject or ""))
        self.assertTrue(ack)
        self.assertIn(case.name, ack.body)
        self.assertFalse(case.first_response_date)

    def test_email_of_known_customer_and_other_company_alias(self):
        with self.mock_mail_gateway():
            case = self.receive("Invoice wrong", email_from="Tom Tiered <tom@tiered.example.com>")
            self.assertEqual(case.partner_id, self.tiered_contact)
            self.assertEqual(case.commercial_partner_id, self.tiered_customer)
            branch = self.receive(
                "Branch question",
                email_from="tom@tiered.example.com",
                to=f"branch-support@{self.alias_domain}",
            )
        self.assertEqual(branch.company_id, self.other_company)
        self.assertEqual(branch.team_id, self.branch_desk)
        self.assertTrue(branch.name.endswith("-00001"), branch.name)

    def test_reply_without_headers_threads_by_reference(self):
        with self.mock_mail_gateway():
            case = self.receive("Parcel lost", email_from="tom@tiered.example.com")
            count = self.Case.search_count([])
            # a mail client that dropped In-Reply-To and References; the subject keeps the reference
            self.format_and_process(
                MAIL,
                "Tina <tom@tiered.example.com>",
                f"case-intake@{self.alias_domain}",
                subject=f"Re: [{case.name}] Parcel lost",
                target_model="crm.complaint",
                target_field="subject",
            )
        self.assertEqual(self.Case.search_count([]), count)
        self.assertEqual(case.message_ids[0].subject, f"Re: [{case.name}] Parcel lost")
        # a stranger quoting the reference starts a case of their own
        with self.mock_mail_gateway():
            other = self.receive(f"Re: [{case.name}] Parcel lost", email_from="mallory@evil.example.com")
        self.assertNotEqual(other, case)
        self.assertEqual(other.partner_id.email, "mallory@evil.example.com")
