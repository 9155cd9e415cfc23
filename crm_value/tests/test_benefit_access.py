from odoo.exceptions import AccessError
from odoo.tests import Form, new_test_user, tagged

from odoo.addons.crm_lifecycle.tests.common_pool import PoolCase

from .common import create_company_with_salesperson


@tagged("post_install", "-at_install")
class TestBenefitAccess(PoolCase):
    """Benefits follow their customer: the owner records and edits them, pool members read those
    of pool customers, other salespeople, other companies and portal users see nothing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.own = cls.make_customer("Benefit Own Customer", user=cls.salesperson)
        cls.own_contact = cls.env["res.partner"].create({"name": "Olga Own", "parent_id": cls.own.id})
        cls.colleagues = cls.make_customer("Benefit Colleague Customer", user=cls.colleague)
        cls.pooled = cls.make_customer("Benefit Pool Customer")
        Benefit = cls.env["crm.value.benefit"]
        cls.own_benefit = Benefit.create({"name": "Own saving", "partner_id": cls.own.id, "amount": 10.0})
        cls.colleague_benefit = Benefit.create(
            {"name": "Colleague saving", "partner_id": cls.colleagues.id, "amount": 20.0}
        )
        cls.pool_benefit = Benefit.create(
            {"name": "Pool saving", "partner_id": cls.pooled.id, "amount": 30.0}
        )
        cls.other_company, cls.foreign_salesperson = create_company_with_salesperson(
            cls.env, "Benefit Other Company", "crm_benefit_foreign", "Fiona Foreign"
        )
        cls.portal_user = new_test_user(
            cls.env, login="crm_benefit_portal", name="Pete Portal", groups="base.group_portal"
        )

    def visible(self, user):
        return self.env["crm.value.benefit"].with_user(user).search([("id", "in", self.all_benefits.ids)])

    @property
    def all_benefits(self):
        return self.own_benefit | self.colleague_benefit | self.pool_benefit

    def test_owner_records_reads_and_edits_own_customer_benefits(self):
        Benefit = self.env["crm.value.benefit"].with_user(self.salesperson)
        with Form(Benefit) as form:
            form.name = "Downtime cut by a day a month"
            form.partner_id = self.own
            form.amount = 1200.0
        benefit = form.record
        self.assertEqual(benefit.commercial_partner_id, self.own)
        self.assertEqual(benefit.user_id, self.salesperson)
        benefit.write({"amount": 1500.0})
        self.assertEqual(self.visible(self.salesperson), self.own_benefit | self.pool_benefit)
        # the smart button counts and opens the customer's benefits, from a contact too
        own = self.own.with_user(self.salesperson)
        self.assertEqual(own.crm_value_benefit_count, 2)
        self.assertEqual(self.own_contact.with_user(self.salesperson).crm_value_benefit_count, 2)
        action = own.action_crm_value_open_benefits()
        self.assertEqual(
            self.env["crm.value.benefit"].with_user(self.salesperson).search(action["domain"]),
            benefit | self.own_benefit,
        )
        self.assertEqual(action["context"]["default_partner_id"], self.own.id)

    def test_salesperson_cannot_touch_colleague_customer_benefits(self):
        benefit = self.colleague_benefit.with_user(self.salesperson)
        with self.assertRaises(AccessError):
            benefit.read(["amount"])
        with self.assertRaises(AccessError):
            benefit.write({"amount": 0.0})
        with self.assertRaises(AccessError):
            self.env["crm.value.benefit"].with_user(self.salesperson).create(
                {"name": "Not mine", "partner_id": self.colleagues.id}
            )

    def test_pool_customer_benefits_are_read_only(self):
        benefit = self.pool_benefit.with_user(self.colleague)
        self.assertEqual(benefit.amount, 30.0)
        with self.assertRaises(AccessError):
            benefit.write({"amount": 0.0})
        with self.assertRaises(AccessError):
            self.env["crm.value.benefit"].with_user(self.colleague).create(
                {"name": "Pool claim", "partner_id": self.pooled.id}
            )

    def test_salesperson_cannot_delete(self):
        with self.assertRaises(AccessError):
            self.own_benefit.with_user(self.salesperson).unlink()

    def test_manager_sees_edits_and_deletes_all(self):
        self.assertEqual(self.visible(self.sales_manager), self.all_benefits)
        self.colleague_benefit.with_user(self.sales_manager).write({"amount": 25.0})
        self.pool_benefit.with_user(self.sales_manager).unlink()
        self.assertFalse(self.pool_benefit.exists())

    def test_other_company_salesperson_sees_nothing(self):
        self.assertFalse(self.visible(self.foreign_salesperson))
        with self.assertRaises(AccessError):
            self.own_benefit.with_user(self.foreign_salesperson).read(["amount"])
        # a customer nobody follows is editable by every salesperson, but not across companies
        plain = self.env["res.partner"].create({"name": "Benefit Plain Co", "is_company": True})
        benefit = self.env["crm.value.benefit"].create({"name": "Plain", "partner_id": plain.id})
        with self.assertRaises(AccessError):
            benefit.with_user(self.foreign_salesperson).write({"amount": 1.0})
        benefit.with_user(self.salesperson).write({"amount": 1.0})

    def test_portal_user_has_no_access(self):
        Benefit = self.env["crm.value.benefit"].with_user(self.portal_user)
        with self.assertRaises(AccessError):
            Benefit.search([])
        with self.assertRaises(AccessError):
            Benefit.create({"name": "Portal", "partner_id": self.own.id})

    def test_menu_opens(self):
        self.assertMenuOpens(self.salesperson, "crm_value.crm_value_benefit_menu")
        self.assertMenuOpens(self.sales_manager, "crm_value.crm_value_benefit_menu")
        self.assertFalse(self.portal_user.has_group("crm_value.group_crm_value_user"))
