from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import Form, new_test_user, tagged

from .common import CrmSuiteCase


class TalkScriptCase(CrmSuiteCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Stage = cls.env["crm.lifecycle.stage"]
        cls.stage_pool = Stage._get_by_code("pool")
        cls.stage_qualified = Stage._get_by_code("qualified")
        cls.stage_customer = Stage._get_by_code("customer")
        cls.tag_services = cls.env["crm.tag"].create({"name": "Script Services"})
        cls.tag_other = cls.env["crm.tag"].create({"name": "Script Other"})
        cls.category = cls.env["product.category"].create({"name": "Script Machines"})
        Script = cls.env["crm.talk.script"]
        cls.script_any = Script.create({"name": "Any stage", "body": "<p>Hello</p>", "sequence": 1})
        cls.script_pool = Script.create(
            {
                "name": "Cold call",
                "body": "<p>Introduce yourself</p>",
                "stage_ids": [Command.set(cls.stage_pool.ids)],
                "product_category_ids": [Command.set(cls.category.ids)],
            }
        )
        cls.script_qualified = Script.create(
            {"name": "Qualify", "stage_ids": [Command.set(cls.stage_qualified.ids)]}
        )
        cls.script_qualified_services = Script.create(
            {
                "name": "Qualify services",
                "stage_ids": [Command.set(cls.stage_qualified.ids)],
                "tag_ids": [Command.set(cls.tag_services.ids)],
            }
        )
        cls.script_customer = Script.create(
            {"name": "Care call", "stage_ids": [Command.set(cls.stage_customer.ids)]}
        )
        cls.script_archived = Script.create({"name": "Old script", "active": False})
        cls.scripts = (
            cls.script_any
            | cls.script_pool
            | cls.script_qualified
            | cls.script_qualified_services
            | cls.script_customer
            | cls.script_archived
        )
        Partner = cls.env["res.partner"]
        cls.pool_partner = Partner.create(
            {
                "name": "Script Pool Ltd",
                "is_company": True,
                "user_id": cls.salesperson.id,
                "lifecycle_stage_id": cls.stage_pool.id,
            }
        )
        cls.customer_partner = Partner.create(
            {
                "name": "Script Customer Ltd",
                "is_company": True,
                "user_id": cls.salesperson.id,
                "lifecycle_stage_id": cls.stage_customer.id,
            }
        )
        cls.vendor = Partner.create({"name": "Script Vendor Ltd", "is_company": True})

    def own_scripts(self, records):
        """The scripts of this test shown on ``records`` (the demo data ships more)."""
        return records.crm_talk_script_ids & self.scripts


@tagged("post_install", "-at_install")
class TestTalkScriptShown(TalkScriptCase):
    def test_partner_scripts_follow_its_stage(self):
        partners = (self.pool_partner | self.customer_partner | self.vendor).with_user(self.salesperson)
        pool, customer, vendor = partners
        self.assertEqual(self.own_scripts(pool), self.script_any | self.script_pool)
        self.assertEqual(self.own_scripts(customer), self.script_any | self.script_customer)
        # a partner outside the CRM flow gets no script at all
        self.assertFalse(vendor.crm_talk_script_ids)
        # scripts keep their order: sequence first
        self.assertEqual(pool.crm_talk_script_ids[:1], self.script_any)

        self.pool_partner.lifecycle_stage_id = self.stage_qualified
        self.assertEqual(
            self.own_scripts(pool),
            self.script_any | self.script_qualified | self.script_qualified_services,
            "on a partner the tags do not filter: the partner has no lead tags",
        )

    def test_contact_gets_the_scripts_of_its_company(self):
        contact = self.env["res.partner"].create(
            {"name": "Carl Contact", "parent_id": self.customer_partner.id}
        )
        self.assertEqual(
            self.own_scripts(contact.with_user(self.salesperson)), self.script_any | self.script_customer
        )

    def test_lead_scripts_follow_customer_stage_and_tags(self):
        Lead = self.env["crm.lead"].with_user(self.salesperson)
        lead_customer = Lead.create(
            {"name": "Repeat order", "partner_id": self.customer_partner.id, "user_id": self.salesperson.id}
        )
        self.assertEqual(self.own_scripts(lead_customer), self.script_any | self.script_customer)

        # a lead for a pool customer makes it qualified; the untagged lead misses the tagged script
        lead_plain = Lead.create(
            {"name": "New need", "partner_id": self.pool_partner.id, "user_id": self.salesperson.id}
        )
        self.assertEqual(self.pool_partner.lifecycle_stage_id, self.stage_qualified)
        self.assertEqual(self.own_scripts(lead_plain), self.script_any | self.script_qualified)

        lead_services = Lead.create(
            {
                "name": "Training need",
                "partner_id": self.pool_partner.id,
                "user_id": self.salesperson.id,
                "tag_ids": [Command.set((self.tag_services | self.tag_other).ids)],
            }
        )
        self.assertEqual(
            self.own_scripts(lead_services),
            self.script_any | self.script_qualified | self.script_qualified_services,
        )
        lead_other = Lead.create(
            {
                "name": "Other need",
                "partner_id": self.pool_partner.id,
                "user_id": self.salesperson.id,
                "tag_ids": [Command.set(self.tag_other.ids)],
            }
        )
        self.assertEqual(self.own_scripts(lead_other), self.script_any | self.script_qualified)

        # a lead without customer yet: the scripts for every stage
        lead_anonymous = Lead.create({"name": "Website visitor", "user_id": self.salesperson.id})
        self.assertEqual(self.own_scripts(lead_anonymous), self.script_any)

    def test_lead_form_follows_the_chosen_customer(self):
        with Form(self.env["crm.lead"].with_user(self.salesperson)) as lead_form:
            lead_form.name = "Call back"
            shown = self.scripts.filtered(lambda script: script in lead_form.crm_talk_script_ids)
            self.assertEqual(shown, self.script_any)
            lead_form.partner_id = self.customer_partner
            shown = self.scripts.filtered(lambda script: script in lead_form.crm_talk_script_ids)
            self.assertEqual(shown, self.script_any | self.script_customer)
        lead = lead_form.record
        self.assertEqual(self.own_scripts(lead), self.script_any | self.script_customer)

    def test_scripts_of_another_company_hidden(self):
        other_company = self.env["res.company"].create({"name": "Script Other Company"})
        foreign = self.env["crm.talk.script"].create(
            {"name": "Foreign script", "company_id": other_company.id}
        )
        own = self.env["crm.talk.script"].create(
            {"name": "Own company script", "company_id": self.salesperson.company_id.id}
        )
        partner = self.customer_partner.with_user(self.salesperson)
        self.assertIn(own, partner.crm_talk_script_ids)
        self.assertNotIn(foreign, partner.crm_talk_script_ids)
        self.assertNotIn(foreign, self.env["crm.talk.script"].with_user(self.salesperson).search([]))

    def test_forms_show_the_scripts_page(self):
        partner_arch = self.env["res.partner"].with_user(self.salesperson).get_views([(False, "form")])
        self.assertIn('name="crm_talk_scripts"', partner_arch["views"]["form"]["arch"])
        lead_arch = self.env["crm.lead"].with_user(self.salesperson).get_views([(False, "form")])
        self.assertIn('name="crm_talk_scripts"', lead_arch["views"]["form"]["arch"])
        # users outside the lifecycle groups never see it
        accountant = new_test_user(
            self.env, login="script_accountant", groups="account.group_account_invoice"
        )
        arch = self.env["res.partner"].with_user(accountant).get_views([(False, "form")])
        self.assertNotIn('name="crm_talk_scripts"', arch["views"]["form"]["arch"])


@tagged("post_install", "-at_install")
class TestTalkScriptAccess(TalkScriptCase):
    def test_salesperson_reads_but_cannot_change(self):
        Script = self.env["crm.talk.script"].with_user(self.salesperson)
        found = Script.search([("stage_ids", "in", self.stage_pool.ids)])
        self.assertIn(self.script_pool, found)
        self.assertEqual(self.script_pool.with_user(self.salesperson).name, "Cold call")
        with self.assertRaises(AccessError):
            self.script_pool.with_user(self.salesperson).write({"name": "Mine now"})
        with self.assertRaises(AccessError):
            Script.create({"name": "My own script"})
        with self.assertRaises(AccessError):
            self.script_pool.with_user(self.salesperson).unlink()
        self.assertEqual(self.script_pool.name, "Cold call")

    def test_manager_creates_edits_and_deletes(self):
        with Form(self.env["crm.talk.script"].with_user(self.sales_manager)) as script_form:
            script_form.name = "Closing questions"
            script_form.body = "<p>What would stop you from ordering today?</p>"
            script_form.stage_ids.add(self.stage_customer)
            script_form.tag_ids.add(self.tag_services)
            script_form.product_category_ids.add(self.category)
        script = script_form.record
        self.assertEqual(script.stage_ids, self.stage_customer)
        self.assertIn("ordering today", script.body)
        self.assertIn(script, self.customer_partner.with_user(self.salesperson).crm_talk_script_ids)
        script.with_user(self.sales_manager).write({"name": "Closing"})
        self.assertEqual(script.name, "Closing")
        script.with_user(self.sales_manager).unlink()
        self.assertFalse(script.exists())

    def test_search_by_category_stage_and_tag(self):
        Script = self.env["crm.talk.script"].with_user(self.salesperson)
        sub_category = self.env["product.category"].create({"name": "Lathes", "parent_id": self.category.id})
        self.script_customer.product_category_ids = sub_category
        by_category = Script.search([("product_category_ids", "child_of", self.category.id)])
        self.assertEqual(by_category & self.scripts, self.script_pool | self.script_customer)
        by_tag = Script.search([("tag_ids", "in", self.tag_services.ids)])
        self.assertEqual(by_tag, self.script_qualified_services)
        every_stage = Script.search([("stage_ids", "=", False)])
        self.assertIn(self.script_any, every_stage)
        self.assertNotIn(self.script_archived, every_stage)

    def test_menus(self):
        self.assertMenuOpens(self.salesperson, "crm_lifecycle.crm_lifecycle_talk_script_menu")
        self.assertMenuHidden(self.salesperson, "crm_lifecycle.crm_lifecycle_talk_script_config_menu")
        self.assertMenuOpens(self.sales_manager, "crm_lifecycle.crm_lifecycle_talk_script_config_menu")
