"""Paths a hostile salesperson would try: context keys, bookkeeping fields, creation rules."""

import json

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .common_pool import T0, PoolCase

# Context keys earlier versions read to skip a rule; a client can send any of them.
CLIENT_KEYS = {
    "crm_pool_write": True,
    "crm_lifecycle_stage_write": True,
    "crm_duplicate_merged_lead_ids": [],
}


@tagged("post_install", "-at_install")
class TestNoContextKeySkipsARule(PoolCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.own = cls.make_customer("Own Hardened Trading", user=cls.salesperson)
        cls.pooled = cls.make_customer("Pooled Hardened Trading")
        cls.colleagues = cls.make_customer("Colleague Hardened Trading", user=cls.colleague)

    def as_salesperson(self, records, **context):
        return records.with_user(self.salesperson).with_context(**dict(CLIENT_KEYS, **context))

    def test_bookkeeping_fields_refused_to_a_plain_write(self):
        values = {
            "crm_locked": True,
            "owner_since": "2020-01-01 00:00:00",
            "last_contact_date": "2030-01-01 00:00:00",
            "crm_pool_state": "owned",
            "ownership_deadline": False,
            "next_followup_date": "2030-01-01",
            "previous_owner_id": self.colleague.id,
            "crm_released_date": "2020-01-01 00:00:00",
            "crm_released_by_id": self.colleague.id,
            "crm_release_reason": "forged",
        }
        before = self.own.read(list(values))[0]
        for name, value in values.items():
            with self.subTest(field=name), self.assertRaises(AccessError):
                self.as_salesperson(self.own).write({name: value})
        self.own.invalidate_recordset()
        self.assertEqual(self.own.read(list(values))[0], before)
        # a manager neither: the actions are the only way
        with self.assertRaises(AccessError):
            self.own.with_user(self.sales_manager).write({"crm_locked": True})

    def test_bookkeeping_fields_refused_on_create(self):
        Partner = self.env["res.partner"].with_user(self.salesperson).with_context(**CLIENT_KEYS)
        with self.assertRaises(AccessError):
            Partner.create(
                {
                    "name": "Forged Since Trading",
                    "is_company": True,
                    "lifecycle_stage_id": self.stages["pool"].id,
                    "user_id": self.salesperson.id,
                    "owner_since": "2001-01-01 00:00:00",
                }
            )
        self.assertFalse(self.env["res.partner"].search([("name", "=", "Forged Since Trading")]))

    def test_pool_move_refused_whatever_the_context(self):
        with self.assertRaises(AccessError):
            self.as_salesperson(self.own).write({"crm_pool_id": self.team_pool.id})
        self.assertEqual(self.own.crm_pool_id, self.pool)
        # a manager moves it
        self.own.with_user(self.sales_manager).write({"crm_pool_id": self.team_pool.id})
        self.assertEqual(self.own.crm_pool_id, self.team_pool)

    def test_salesperson_cannot_take_a_pool_customer_past_the_rules_by_context(self):
        # the pool allows 3 owned customers; the salesperson owns 1 and takes 2 more by hand
        more = self.make_customers("Limit", 3)
        self.as_salesperson(more[:2]).write({"user_id": self.salesperson.id})
        self.assertEqual(more[:2].mapped("user_id"), self.salesperson)
        self.assertEqual(len(self.events(more[:2], "claim")), 2)
        with self.assertRaises(UserError):
            self.as_salesperson(more[2]).write({"user_id": self.salesperson.id})
        self.assertFalse(more[2].user_id)

    def test_salesperson_cannot_give_a_customer_away_by_context(self):
        with self.assertRaises(AccessError):
            self.as_salesperson(self.own).write({"user_id": self.colleague.id})
        self.assertEqual(self.own.user_id, self.salesperson)

    def test_stage_back_move_needs_a_manager_whatever_the_context(self):
        self.own._crm_set_stage("customer", trigger="order")
        with self.assertRaises(AccessError):
            self.as_salesperson(self.own).write({"lifecycle_stage_id": self.stages["pool"].id})
        self.assertEqual(self.own.lifecycle_stage_id, self.stages["customer"])
        # forward by hand is the salesperson's to do, and is on the timeline
        qualified = self.make_customer("Forward Hardened Trading", user=self.salesperson)
        self.as_salesperson(qualified).write({"lifecycle_stage_id": self.stages["qualified"].id})
        self.assertEqual(qualified.lifecycle_stage_id, self.stages["qualified"])
        self.assertEqual(self.events(qualified, "stage")[-1].to_stage_id, self.stages["qualified"])

    def test_merged_leads_key_does_not_hide_a_colleagues_lead(self):
        colleague_lead = self.env["crm.lead"].create(
            {
                "name": "Colleague's prospect",
                "partner_name": "Hidden Prospect Trading",
                "user_id": self.colleague.id,
                "email_from": "buyer@hidden-prospect.example",
            }
        )
        Partner = self.as_salesperson(
            self.env["res.partner"],
            crm_lifecycle_managed=True,
            crm_duplicate_merged_lead_ids=colleague_lead.ids,
        )
        with self.assertRaisesText(UserError, "Colin Colleague"):
            Partner.create({"name": "Hidden Prospect Trading", "is_company": True})
        self.assertFalse(self.env["res.partner"].search([("name", "=", "Hidden Prospect Trading")]))

    def test_merging_leads_still_takes_the_others_keys(self):
        leads = self.env["crm.lead"].create(
            [
                {
                    "name": f"Merged prospect {index}",
                    "partner_name": "Merged Prospect Trading",
                    "email_from": "buyer@merged-prospect.example",
                    "user_id": self.salesperson.id,
                    "type": "opportunity",
                }
                for index in range(2)
            ]
        )
        head = leads.with_user(self.salesperson)._merge_opportunity(auto_unlink=True)
        self.assertTrue(head.exists())
        self.assertEqual(head.email_from, "buyer@merged-prospect.example")
        self.assertFalse(self.env.cr.cache.get("crm_lifecycle.lead_merge"))


@tagged("post_install", "-at_install")
class TestOwnershipRulesOnCreate(PoolCase):
    def create_as(self, user, **vals):
        values = {"name": "Created Hardened Trading", "is_company": True, "crm_pool_id": self.pool.id}
        values.update(vals)
        return (
            self.env["res.partner"]
            .with_user(user)
            .with_context(crm_lifecycle_managed=True, **CLIENT_KEYS)
            .create(values)
        )

    def test_salesperson_creates_for_themselves(self):
        partner = self.create_as(self.salesperson, user_id=self.salesperson.id)
        self.assertEqual(partner.user_id, self.salesperson)
        self.assertEqual(partner.crm_pool_state, "owned")

    def test_salesperson_cannot_create_for_a_colleague(self):
        with self.assertRaisesText(AccessError, "Only a sales manager may create customers for another"):
            self.create_as(self.salesperson, user_id=self.colleague.id)
        self.assertFalse(self.env["res.partner"].search([("name", "=", "Created Hardened Trading")]))

    def test_creation_counts_against_max_owned(self):
        self.make_customers("Owned Already", 3, user=self.salesperson)
        with self.assertRaisesText(UserError, "whose limit is 3"):
            self.create_as(self.salesperson, user_id=self.salesperson.id)
        # into the pool, nobody's: allowed
        partner = self.create_as(self.salesperson)
        self.assertEqual(partner.crm_pool_state, "pool")

    def test_manager_assigns_on_create_over_nobody(self):
        partner = self.create_as(self.sales_manager, user_id=self.colleague.id)
        self.assertEqual(partner.user_id, self.colleague)
        self.assertEqual(self.events(partner, "assign").to_user_id, self.colleague)

    def test_check_customer_create_follows_the_rules(self):
        # the pool a new customer of the salesperson goes to allows one owned customer
        pool = self.env["res.partner"]._crm_pool_for_vals({"user_id": self.salesperson.id})
        pool.max_owned = 1
        self.make_customer("Owned Before Check Trading", user=self.salesperson, pool=pool)
        check = Form(self.env["crm.customer.check"].with_user(self.salesperson))
        check.query = "Brand New Checked Trading"
        wizard = check.save()
        wizard.action_check()
        self.assertEqual(wizard.state, "free")
        action = wizard.action_create_customer()
        form = Form(self.env["res.partner"].with_user(self.salesperson).with_context(**action["context"]))
        self.assertEqual(form.user_id, self.salesperson)
        with self.assertRaisesText(UserError, "whose limit is 1"):
            form.save()


@tagged("post_install", "-at_install")
class TestLostLeadSeesAllBusiness(PoolCase):
    def test_lost_lead_never_invalidates_a_colleagues_customer(self):
        customer = self.make_customer("Shared Business Trading", user=self.colleague)
        # the colleague's open opportunity, which the salesperson cannot see
        self.env["crm.lead"].create(
            {
                "name": "Colleague's big deal",
                "partner_id": customer.id,
                "user_id": self.colleague.id,
                "type": "opportunity",
            }
        )
        own_lead = self.env["crm.lead"].create(
            {
                "name": "My small lead",
                "partner_id": customer.id,
                "user_id": self.salesperson.id,
                "type": "lead",
            }
        )
        invalid = self.env["crm.lost.reason"].create(
            {"name": "Not a real company", "is_invalid_customer": True}
        )
        stage_before = customer.lifecycle_stage_id
        self.assertFalse(
            self.env["crm.lead"].with_user(self.salesperson).search([("user_id", "=", self.colleague.id)])
        )
        own_lead.with_user(self.salesperson).action_set_lost(lost_reason_id=invalid.id)
        self.assertEqual(customer.lifecycle_stage_id, stage_before)
        self.assertNotEqual(customer.lifecycle_stage_id, self.stages["invalid"])
        # without other business, the lost lead invalidates
        alone = self.make_customer("Lonely Business Trading", user=self.salesperson)
        lonely_lead = self.env["crm.lead"].create(
            {"name": "Only lead", "partner_id": alone.id, "user_id": self.salesperson.id}
        )
        lonely_lead.with_user(self.salesperson).action_set_lost(lost_reason_id=invalid.id)
        self.assertEqual(alone.lifecycle_stage_id, self.stages["invalid"])


FOLLOWUP = "crm_lifecycle.mail_activity_type_crm_followup"
WARNING = "crm_lifecycle.mail_activity_type_crm_release_warning"


@tagged("post_install", "-at_install")
class TestCronsFollowTheirPeople(PoolCase):
    """Archived customers, deleted salespeople, and texts in the owner's language."""

    def bus_activity_counts(self):
        """``{partner id of the user: count_diff}`` of the activity notifications sent so far."""
        counts = {}
        for value in self.env.cr.precommit.data.get("bus.bus.values", []):
            message = json.loads(value["message"])
            if message["type"] == "mail.activity/updated" and message["payload"].get("activity_created"):
                channel = json.loads(value["channel"])
                counts[channel[-1]] = counts.get(channel[-1], 0) + message["payload"]["count_diff"]
        return counts

    def test_crons_skip_archived_customers(self):
        with freeze_time(T0):
            active, archived = self.make_customers("Archive", 2, user=self.salesperson)
        archived.action_archive()
        # due for a follow-up (7 days) and past the release deadline (10 days without contact)
        with freeze_time("2025-03-11 09:00:00"):
            self.env["res.partner"]._cron_crm_followup_reminders()
        self.assertTrue(self.activities(active, FOLLOWUP))
        self.assertFalse(self.activities(archived, FOLLOWUP))
        with freeze_time("2025-03-20 09:00:00"):
            self.env["res.partner"]._cron_crm_release_expired()
        self.assertEqual(active.crm_pool_state, "pool")
        self.assertEqual(archived.crm_pool_state, "owned")
        self.assertFalse(self.events(archived, "release"))

    def test_deleting_a_salesperson_returns_their_customers_to_the_pool(self):
        leaver = new_test_user(
            self.env, login="crm_pool_leaver", name="Lee Leaver", groups="sales_team.group_sale_salesman"
        )
        customers = self.make_customers("Leaver", 2, user=leaver)
        leaver.unlink()
        self.assertEqual(set(customers.mapped("crm_pool_state")), {"pool"})
        self.assertFalse(customers.user_id)
        events = self.events(customers, "release")
        self.assertEqual(len(events), 2)
        self.assertEqual(set(events.mapped("trigger")), {"user_archived"})
        self.assertIn("deleted", events[0].reason)

    def test_customer_owned_by_nobody_returns_to_the_pool(self):
        customer = self.make_customer("Orphan Trading", user=self.salesperson)
        # a salesperson removed behind the ORM's back (SQL, a failed migration)
        self.env.flush_all()
        self.env.cr.execute("UPDATE res_partner SET user_id = NULL WHERE id = %s", [customer.id])
        customer.invalidate_recordset()
        self.env["res.partner"]._cron_crm_release_expired()
        self.assertEqual(customer.crm_pool_state, "pool")
        self.assertEqual(len(self.events(customer, "release")), 1)

    def test_cron_texts_in_the_owners_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.colleague.lang = "zh_CN"
        chinese = self.env["crm.pool"].with_context(lang="zh_CN")._release_texts()
        english = self.env["crm.pool"].with_context(lang="en_US")._release_texts()
        self.assertNotEqual(chinese["followup"], english["followup"])
        with freeze_time(T0):
            mine = self.make_customer("English Owner Trading", user=self.salesperson)
            theirs = self.make_customer("Chinese Owner Trading", user=self.colleague)
        with freeze_time("2025-03-11 09:00:00"):
            self.env["res.partner"].with_context(lang="en_US")._cron_crm_followup_reminders()
            self.env["res.partner"].with_context(lang="en_US")._cron_crm_release_expired()
        self.assertEqual(self.activities(mine, FOLLOWUP).summary, english["followup"])
        self.assertEqual(self.activities(theirs, FOLLOWUP).summary, chinese["followup"])
        self.assertEqual(
            self.activities(theirs, WARNING).summary,
            chinese["warning_summary"].replace("{date}", "2025-03-13"),
        )
        counts = self.bus_activity_counts()
        # a follow-up and a warning each: their counters move without a reload
        self.assertEqual(counts.get(self.colleague.partner_id.id), 2)
        self.assertEqual(counts.get(self.salesperson.partner_id.id), 2)
        with freeze_time("2025-03-20 09:00:00"):
            self.env["res.partner"].with_context(lang="en_US")._cron_crm_release_expired()
        self.assertEqual(theirs.crm_release_reason, chinese["no_contact"].replace("{days}", "10"))
        self.assertEqual(mine.crm_release_reason, english["no_contact"].replace("{days}", "10"))


@tagged("post_install", "-at_install")
class TestDocumentsStayPrintable(PoolCase):
    """A user who may read a document opens, prints and emails it, whoever owns its customer,
    and sees no more of that customer than the document shows."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.all_documents = new_test_user(
            cls.env,
            login="crm_hard_all_documents",
            name="Alma All Documents",
            groups="sales_team.group_sale_salesman_all_leads,account.group_account_invoice",
        )
        cls.customer = cls.make_customer(
            "Printed Customer Trading", user=cls.colleague, email="buyer@printed.example", street="1 Print St"
        )
        cls.order = cls.env["sale.order"].create(
            {
                "partner_id": cls.customer.id,
                "user_id": cls.colleague.id,
                "order_line": [Command.create({"product_id": cls.product.id, "product_uom_qty": 3})],
            }
        )
        cls.invoice = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": cls.customer.id,
                "invoice_user_id": cls.colleague.id,
                "invoice_line_ids": [Command.create({"product_id": cls.product.id, "price_unit": 100.0})],
            }
        )
        cls.invoice.action_post()

    def test_all_documents_user_prints_and_emails_an_order(self):
        order = self.order.with_user(self.all_documents)
        Report = self.env["ir.actions.report"].with_user(self.all_documents)
        html, __ = Report._render_qweb_html("sale.report_saleorder", order.ids)
        self.assertIn("1 Print St", str(html))
        action = order.action_quotation_send()
        composer = (
            self.env["mail.compose.message"]
            .with_user(self.all_documents)
            .with_context(**action["context"])
            .create({})
        )
        self.assertEqual(composer.partner_ids, self.customer)
        self.assertIn(order.name, composer.subject)
        composer.action_send_mail()
        message = self.order.message_ids[0]
        self.assertEqual(message.author_id, self.all_documents.partner_id)
        self.assertEqual(message.partner_ids, self.customer)
        self.assertEqual(self.order.state, "sent")

    def test_all_documents_user_prints_and_emails_an_invoice(self):
        invoice = self.invoice.with_user(self.all_documents)
        Report = self.env["ir.actions.report"].with_user(self.all_documents)
        html, __ = Report._render_qweb_html("account.report_invoice", invoice.ids)
        self.assertIn("1 Print St", str(html))
        action = invoice.action_invoice_sent()
        wizard = (
            self.env["account.move.send.wizard"]
            .with_user(self.all_documents)
            .with_context(**action["context"])
        )
        wizard.create({}).action_send_and_print()
        self.assertTrue(self.invoice.is_move_sent)
        self.assertIn(self.customer, self.invoice.message_ids.partner_ids)

    def test_the_customer_itself_stays_hidden(self):
        customer = self.customer.with_user(self.all_documents)
        with self.assertRaises(AccessError):
            customer.read(["email", "phone"])
        with self.assertRaises(AccessError):
            customer.write({"email": "taken@printed.example"})
        self.assertFalse(
            self.env["res.partner"].with_user(self.all_documents).search([("id", "=", customer.id)])
        )
        self.assertEqual(self.customer.user_id, self.colleague)
