from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, RedirectWarning, UserError
from odoo.modules.module import get_manifest
from odoo.tests import Form, HttpCase, new_test_user, tagged
from odoo.tools import SQL, format_date
from odoo.tools.sql import index_exists

from odoo.addons.crm_lifecycle import hooks
from odoo.addons.crm_lifecycle.models.crm_duplicate_mixin import LOOKUP_FUNCTION_SIGNATURE

from .common import CrmSuiteCase, polish_vats

KEY_COLUMNS = ("crm_name_key", "crm_vat_key", "crm_phone_key", "crm_mobile_key", "crm_email_key")


@tagged("post_install", "-at_install")
class TestDuplicateCheck(CrmSuiteCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.write({"country_id": cls.env.ref("base.pl").id, "crm_duplicate_check": True})
        cls.alice = new_test_user(
            cls.env, login="crm_dup_alice", name="Alice Seller", groups="sales_team.group_sale_salesman"
        )
        cls.stage_opportunity = cls.env.ref("crm_lifecycle.stage_opportunity")
        with freeze_time("2026-03-02 09:00:00"):
            cls.acme = cls._customer_of(
                cls.alice,
                {
                    "name": "ACME Sp. z o.o.",
                    "is_company": True,
                    "vat": "PL5261040828",
                    "phone": "+48 600 100 200",
                    "email": "office@acme.pl",
                    "street": "ul. Długa 1",
                    "city": "Warszawa",
                    "country_id": cls.env.ref("base.pl").id,
                    "user_id": cls.alice.id,
                    "lifecycle_stage_id": cls.stage_opportunity.id,
                },
            )
        cls.huawei_lead = (
            cls.env["crm.lead"]
            .with_user(cls.alice)
            .create(
                {
                    "name": "Switches for Beijing",
                    "type": "opportunity",
                    "partner_name": "北京华为技术有限公司",
                    "email_from": "procurement@huawei.example",
                    "phone": "+86 10 1234 5678",
                    "user_id": cls.alice.id,
                }
            )
        )
        cls.own_customer = cls._customer_of(
            cls.salesperson,
            {
                "name": "Sally Own Ltd",
                "is_company": True,
                "user_id": cls.salesperson.id,
                "mobile": "601 000 001",
            },
        )
        cls.pool_customer = cls._customer_of(
            cls.sales_manager,
            {"name": "Pool Trading GmbH", "is_company": True, "email": "hello@pool-trading.de"},
        )

    @classmethod
    def _customer_of(cls, user, vals):
        # a customer entered in the Customers app (stage pool unless given)
        return cls.env["res.partner"].with_user(user).with_context(crm_lifecycle_managed=True).create(vals)

    def _partner_form(self, user):
        model = self.env["res.partner"].with_user(user)
        return Form(model.with_context(crm_lifecycle_managed=True, default_is_company=True))

    def assertNoContactDetails(self, text):
        """Nothing of the existing customer's phone, email, VAT or address."""
        for detail in (
            "600",
            "office@acme",
            "acme.pl",
            "5261040828",
            "Długa",
            "Warszawa",
            "huawei.example",
            "1234",
        ):
            self.assertNotIn(detail, text)

    # ------------------------------------------------------------------
    # Refusal of another salesperson's customer
    # ------------------------------------------------------------------
    def test_salesperson_partner_refused_with_owner_stage_and_date(self):
        form = self._partner_form(self.salesperson)
        form.name = "Acme spółka z ograniczoną odpowiedzialnością"
        with self.assertRaises(UserError) as error:
            form.save()
        message = str(error.exception)
        self.assertIn("ACME Sp. z o.o. already exists, followed by Alice Seller", message)
        self.assertIn(format_date(self.env, date(2026, 3, 2)), message)
        self.assertIn("(stage: Opportunity)", message)
        self.assertIn("Same name.", message)
        self.assertNoContactDetails(message)
        # a salesperson is not told how to bypass it
        self.assertNotIn("Bypass", message)
        self.assertFalse(self.env["res.partner"].search([("name", "ilike", "spółka z ograniczoną")]))

    def test_salesperson_partner_refused_on_phone_email_and_vat(self):
        for vals, kind in [
            ({"name": "Other Name", "phone": "0048 600-100-200"}, "phone"),
            ({"name": "Other Name", "mobile": "600 100 200"}, "phone"),
            ({"name": "Other Name", "email": " Office@ACME.pl "}, "email"),
            ({"name": "Other Name", "vat": "5261040828"}, "VAT"),
        ]:
            with self.subTest(kind=kind), self.assertRaises(UserError) as error:
                self._customer_of(self.salesperson, dict(vals, is_company=True))
            self.assertIn(f"Same {kind}.", str(error.exception))
            self.assertIn("Alice Seller", str(error.exception))
            self.assertNoContactDetails(str(error.exception))

    def test_salesperson_lead_refused(self):
        form = Form(self.env["crm.lead"].with_user(self.salesperson).with_context(default_type="lead"))
        form.name = "Chairs for the office"
        form.partner_name = "Acme, Inc."
        with self.assertRaises(UserError) as error:
            form.save()
        message = str(error.exception)
        self.assertIn("ACME Sp. z o.o. already exists, followed by Alice Seller", message)
        self.assertIn(format_date(self.env, date(2026, 3, 2)), message)
        self.assertNoContactDetails(message)
        with self.assertRaises(UserError):
            self.env["crm.lead"].with_user(self.salesperson).create(
                {"name": "Call back", "phone": "+48 (0) 600 100 200"}
            )

    def test_leads_and_partners_checked_against_open_leads(self):
        # a new partner against another salesperson's open lead
        form = self._partner_form(self.salesperson)
        form.name = "北京华为技术"
        with self.assertRaises(UserError) as error:
            form.save()
        message = str(error.exception)
        self.assertIn("北京华为技术有限公司 is already an open lead of Alice Seller", message)
        # the date is shown in the reader's time zone
        self.assertIn(format_date(self.env(user=self.salesperson), self.huawei_lead.date_open), message)
        self.assertIn(self.huawei_lead.stage_id.name, message)
        self.assertNoContactDetails(message)
        # leads among themselves are left to Odoo's own deduplication (similar leads, merge)
        routers = (
            self.env["crm.lead"]
            .with_user(self.salesperson)
            .create({"name": "Routers", "email_from": "PROCUREMENT@huawei.example"})
        )
        self.assertIn(self.huawei_lead, routers.with_user(self.sales_manager).duplicate_lead_ids)
        # the owner's own leads, and leads entered for the owner by a manager, do not count
        own = (
            self.env["crm.lead"]
            .with_user(self.alice)
            .create({"name": "More", "partner_name": "北京华为技术"})
        )
        for_alice = (
            self.env["crm.lead"]
            .with_user(self.sales_manager)
            .create({"name": "Even more", "partner_name": "北京华为技术", "user_id": self.alice.id})
        )
        self.assertTrue(own.crm_name_key == for_alice.crm_name_key == "北京华为技术")
        # won leads are no longer open
        (self.huawei_lead | own | for_alice).action_set_won()
        lead = (
            self.env["crm.lead"]
            .with_user(self.salesperson)
            .create({"name": "Hubs", "partner_name": "北京华为技术"})
        )
        self.assertEqual(lead.user_id, self.salesperson)

    # ------------------------------------------------------------------
    # Own and pool customers: offered to open
    # ------------------------------------------------------------------
    def test_own_customer_offers_to_open_it(self):
        with self.assertRaises(RedirectWarning) as error:
            self._customer_of(self.salesperson, {"name": "Sally Own Limited", "is_company": True})
        message, action, button = error.exception.args[:3]
        self.assertIn("Sally Own Ltd already exists: you follow it since", message)
        self.assertEqual(button, "Open Sally Own Ltd")
        self.assertEqual((action["res_model"], action["res_id"]), ("res.partner", self.own_customer.id))
        # the button opens the form of the existing customer for its owner
        form = self.env["res.partner"].with_user(self.salesperson).get_views([(False, "form")])
        self.assertIn("form", form["views"])

    def test_pool_customer_offers_to_open_it(self):
        with self.assertRaises(RedirectWarning) as error:
            self.env["res.partner"].with_user(self.salesperson).with_context(
                crm_lifecycle_managed=True
            ).create(
                {"name": "Pallet Buyer", "is_company": True, "email": "Pool Trading <HELLO@pool-trading.de>"}
            )
        message, action, button = error.exception.args[:3]
        self.assertIn("Pool Trading GmbH already exists in the pool", message)
        self.assertIn("(stage: Pool)", message)
        self.assertEqual(action["res_id"], self.pool_customer.id)
        self.assertEqual(button, "Open Pool Trading GmbH")

    def test_leads_for_own_and_pool_customers_are_business(self):
        """A new lead for one's own or a pool customer is not a duplicate; for another
        salesperson's customer it is refused."""
        Lead = self.env["crm.lead"].with_user(self.salesperson)
        pallets = Lead.create({"name": "Pallets", "email_from": "Pool Trading <HELLO@pool-trading.de>"})
        more = Lead.create({"name": "More", "partner_name": "Sally Own Limited"})
        self.assertEqual((pallets | more).user_id, self.salesperson)
        with self.assertRaisesRegex(UserError, "followed by Alice Seller"):
            Lead.create({"name": "Quote", "partner_name": "ACME"})

    def test_import_rows_refused(self):
        Partner = self.env["res.partner"].with_user(self.salesperson)
        result = Partner.with_context(crm_lifecycle_managed=True, import_file=True).load(
            ["name", "is_company", "phone"],
            [
                ["Brand New Trading", "1", "+48 604 000 004"],
                ["Acme Limited", "1", ""],
                ["Sally Own Ltd.", "1", ""],
            ],
        )
        # rows are counted from 0; the first message is the batch's, then one per refused row
        errors = {message["rows"]["from"]: message["message"] for message in result["messages"][1:]}
        self.assertEqual(set(errors), {1, 2})
        self.assertIn("followed by Alice Seller", errors[1])
        self.assertIn("you follow it", errors[2])
        self.assertNoContactDetails(errors[1])
        self.assertFalse([message for message in result["messages"] if "Brand New" in message["message"]])
        self.assertFalse(result["ids"])

    # ------------------------------------------------------------------
    # Scale
    # ------------------------------------------------------------------
    def _count_create_queries(self, count, check):
        self.company.crm_duplicate_check = check
        tag = f"{count}{'on' if check else 'off'}"
        vats = polish_vats(int(f"{count:03d}{int(check):02d}0000"), count)
        vals_list = [
            {
                "name": f"Batch {tag} {index} GmbH",
                "is_company": True,
                "phone": f"+48 70{count % 10} {index:03d} {int(check):03d}",
                "email": f"batch{index}@{tag}.example",
                "vat": vats[index],
            }
            for index in range(count)
        ]
        Partner = self.env["res.partner"].with_user(self.salesperson).with_context(crm_lifecycle_managed=True)
        self.env.flush_all()
        before = self.env.cr.sql_log_count
        partners = Partner.create(vals_list)
        self.env.flush_all()
        queries = self.env.cr.sql_log_count - before
        self.assertEqual(len(partners.filtered("crm_phone_key")), count)
        return queries

    def test_batch_create_makes_a_bounded_number_of_queries(self):
        self._count_create_queries(3, True)  # warm the caches
        small = self._count_create_queries(5, True) - self._count_create_queries(5, False)
        large = self._count_create_queries(60, True) - self._count_create_queries(60, False)
        # one lookup per kind of key (name, VAT, phone, email), whatever the size of the batch
        self.assertEqual(small, large)
        self.assertLessEqual(large, 6)

    def test_keys_are_indexed_and_lookups_use_the_indexes(self):
        for table in ("res_partner", "crm_lead"):
            for column in KEY_COLUMNS:
                self.assertTrue(index_exists(self.env.cr, f"{table}__{column}_index"), f"{table}.{column}")
        indexes = (
            "res_partner__crm_phone_key_index",
            "res_partner__crm_mobile_key_index",
            "crm_lead__crm_email_key_index",
        )
        scans = SQL(
            "SELECT %s",
            SQL(", ").join(SQL("pg_stat_get_xact_numscans(%s::regclass)", index) for index in indexes),
        )
        # the test database is small: forbid sequential scans to see which index the lookup
        # can use, and forget the plans the lookup function cached with them allowed
        self.env.cr.execute("SET LOCAL enable_seqscan = off; DISCARD PLANS")
        self.env.cr.execute(scans)
        before = self.env.cr.fetchone()
        self.env["crm.duplicate.mixin"]._crm_duplicate_hits(
            {"phone": {"48600100200"}, "email": {"office@acme.pl"}}
        )
        self.env.cr.execute(scans)
        after = self.env.cr.fetchone()
        self.env.cr.execute("SET LOCAL enable_seqscan = on; DISCARD PLANS")
        for index, scanned_before, scanned_after in zip(indexes, before, after, strict=True):
            self.assertGreater(scanned_after, scanned_before, index)

    def test_lookup_function_finds_partners_and_leads(self):
        self.env.cr.execute("SELECT to_regprocedure(%s) IS NOT NULL", [LOOKUP_FUNCTION_SIGNATURE])
        self.assertTrue(self.env.cr.fetchone()[0], "the lookup function is created at install")
        self.assertEqual(get_manifest("crm_lifecycle")["uninstall_hook"], "uninstall_hook")
        self.assertTrue(callable(getattr(hooks, "uninstall_hook", None)))
        Mixin = self.env["crm.duplicate.mixin"].with_user(self.salesperson)
        lead_email = self.huawei_lead.crm_email_key
        wanted = {"vat": {self.acme.crm_vat_key}, "phone": {"48600100200"}, "email": {lead_email}}
        hits = Mixin._crm_duplicate_hits(wanted)
        acme_hit = ("res.partner", self.acme.id, self.acme.id, self.acme.company_id.id or None, self.alice.id)
        self.assertEqual(hits[("vat", self.acme.crm_vat_key)], [acme_hit])
        self.assertEqual(hits[("phone", "48600100200")], [acme_hit])
        lead = self.huawei_lead
        self.assertEqual(
            hits[("email", lead_email)],
            [
                (
                    "crm.lead",
                    lead.id,
                    lead.partner_id.commercial_partner_id.id or None,
                    lead.company_id.id or None,
                    self.alice.id,
                )
            ],
        )
        # without leads, and for the owner of the lead (not another salesperson's lead)
        self.assertFalse(Mixin._crm_duplicate_hits(wanted, with_leads=False)[("email", lead_email)])
        self.assertFalse(Mixin.with_user(self.alice)._crm_duplicate_hits(wanted)[("email", lead_email)])
        self.assertFalse(Mixin._crm_duplicate_hits({"name": {"nosuchcompanykey"}}))

    # ------------------------------------------------------------------
    # Check Customer
    # ------------------------------------------------------------------
    def test_check_customer_screen(self):
        self.assertMenuOpens(self.salesperson, "crm_lifecycle.crm_lifecycle_customer_check_menu")
        form = Form(self.env["crm.customer.check"].with_user(self.salesperson))
        form.query = "0048 600 100 200"
        check = form.save()
        action = check.action_check()
        self.assertEqual(
            (action["res_model"], action["res_id"], action["target"]), (check._name, check.id, "new")
        )
        self.assertEqual(check.state, "found")
        self.assertTrue(check.blocked)
        result = check.result_ids
        self.assertEqual(len(result), 1)
        self.assertRecordValues(
            result,
            [
                {
                    "kind": "customer",
                    "name": "ACME Sp. z o.o.",
                    "owner_id": self.alice.id,
                    "stage_name": "Opportunity",
                    "since": date(2026, 3, 2),
                    "match_on": "phone",
                    "status": "other",
                    "partner_id": False,
                }
            ],
        )
        self.assertNoContactDetails(str(result.read()))
        # another salesperson's lead, by company name
        check.query = "北京华为技术股份有限公司"
        check.action_check()
        self.assertEqual(check.result_ids.mapped("kind"), ["lead"])
        self.assertEqual(check.result_ids.owner_id, self.alice)
        # own customer: a button opens it
        check.query = "SALLY OWN"
        check.action_check()
        self.assertFalse(check.blocked)
        self.assertEqual(check.result_ids.status, "own")
        self.assertEqual(check.result_ids.action_open()["res_id"], self.own_customer.id)
        # pool customer: opens too
        check.query = "hello@pool-trading.de"
        check.action_check()
        self.assertEqual(check.result_ids.status, "pool")
        self.assertEqual(check.result_ids.partner_id, self.pool_customer)
        # nobody follows it: the salesperson may enter it
        check.query = "Nowa Firma Sp. z o.o."
        check.action_check()
        self.assertEqual(check.state, "free")
        self.assertFalse(check.result_ids)
        create = check.action_create_customer()
        self.assertEqual(create["res_model"], "res.partner")
        self.assertEqual(create["context"]["default_name"], "Nowa Firma Sp. z o.o.")
        self.assertTrue(create["context"]["crm_lifecycle_managed"])
        # a sales manager sees every customer: may open it too
        check = (
            self.env["crm.customer.check"].with_user(self.sales_manager).create({"query": "PL 526 104 08 28"})
        )
        check.action_check()
        self.assertEqual(check.result_ids.match_on, "VAT")
        self.assertEqual(check.result_ids.status, "other")
        self.assertEqual(check.result_ids.action_open()["res_id"], self.acme.id)

    # ------------------------------------------------------------------
    # Managers' bypass
    # ------------------------------------------------------------------
    def test_manager_bypass_is_logged(self):
        form = self._partner_form(self.sales_manager)
        form.name = "ACME Limited"
        with self.assertRaises(UserError) as error:
            form.save()
        self.assertIn("Duplicate Bypass Reason", str(error.exception))
        form.crm_duplicate_bypass_reason = "Separate legal entity, confirmed with Alice"
        partner = form.save()
        self.assertEqual(partner.crm_name_key, self.acme.crm_name_key)
        self.assertFalse(partner.crm_duplicate_bypass_reason)
        log = partner.message_ids.filtered(lambda message: "bypassed" in message.body)
        self.assertEqual(len(log), 1)
        self.assertIn("Mark Manager", log.body)
        self.assertIn("Separate legal entity, confirmed with Alice", log.body)
        self.assertIn("ACME Sp. z o.o.", log.body)
        lead = (
            self.env["crm.lead"]
            .with_user(self.sales_manager)
            .create(
                {"name": "Re-order", "email_from": "office@acme.pl", "crm_duplicate_bypass_reason": "Branch"}
            )
        )
        self.assertIn("Branch", lead.message_ids[0].body)

    def test_salesperson_cannot_bypass(self):
        arch = self.env["res.partner"].with_user(self.salesperson).get_views([(False, "form")])
        self.assertNotIn("crm_duplicate_bypass_reason", arch["views"]["form"]["arch"])
        with self.assertRaises(AccessError):
            self._customer_of(
                self.salesperson,
                {
                    "name": "ACME Limited",
                    "is_company": True,
                    "crm_duplicate_bypass_reason": "I met them first",
                },
            )
        with self.assertRaises(AccessError):
            self.own_customer.with_user(self.salesperson).write(
                {"phone": "+48 600 100 200", "crm_duplicate_bypass_reason": "Same switchboard"}
            )

    # ------------------------------------------------------------------
    # Merge, edits, settings, and Odoo's own flows
    # ------------------------------------------------------------------
    def test_merge_wizard_merges_duplicates(self):
        self.company.crm_duplicate_check = False
        duplicate = self._customer_of(
            self.salesperson,
            {
                "name": "Acme Ltd",
                "is_company": True,
                "email": "office@acme.pl",
                "mobile": "+48 699 000 000",
                "user_id": self.salesperson.id,
            },
        )
        self.company.crm_duplicate_check = True
        # sales managers get "Contact Creation" from the default user template
        self.sales_manager.groups_id = [Command.link(self.env.ref("base.group_partner_manager").id)]
        wizard = (
            self.env["base.partner.merge.automatic.wizard"]
            .with_user(self.sales_manager)
            .with_context(active_model="res.partner", active_ids=[self.acme.id, duplicate.id])
            .create({"dst_partner_id": self.acme.id})
        )
        wizard.action_merge()
        self.assertFalse(duplicate.exists())
        self.assertEqual(self.acme.mobile, "+48 699 000 000")
        self.assertEqual(self.acme.crm_mobile_key, "48699000000")
        self.assertEqual(self.acme.user_id, self.alice)

    def test_lead_merge_keeps_working(self):
        Lead = self.env["crm.lead"]
        first = Lead.with_user(self.alice).create(
            {"name": "Kiosk", "partner_name": "Merged Kiosks", "phone": "+48 606 000 006", "probability": 60}
        )
        second = Lead.with_user(self.salesperson).create(
            {"name": "Kiosk again", "email_from": "kiosk@merged.example", "probability": 10}
        )
        head = (first | second).with_user(self.sales_manager).merge_opportunity()
        self.assertEqual(head, first)
        self.assertFalse(second.exists())
        self.assertEqual(head.crm_email_key, "kiosk@merged.example")

    def test_edits_checked_on_changed_keys_only(self):
        own = self.own_customer.with_user(self.salesperson)
        with self.assertRaises(UserError):
            own.write({"phone": "+48 600 100 200"})
        # matching itself (its own mobile) does not count
        own.write({"phone": "+48 601 000 001", "website": "https://own.example"})
        self.assertEqual(own.crm_phone_key, own.crm_mobile_key)
        # a duplicate entered while the check was off keeps being editable
        self.company.crm_duplicate_check = False
        old = self._customer_of(
            self.salesperson,
            {"name": "Acme Ltd", "is_company": True, "user_id": self.salesperson.id},
        )
        self.company.crm_duplicate_check = True
        old.with_user(self.salesperson).write({"comment": "Met at the fair", "phone": "+48 603 000 003"})
        self.assertEqual(old.crm_phone_key, "48603000003")
        # a partner entering the CRM flow is checked on all its keys, and does not match itself
        loner = self.env["res.partner"].create(
            {"name": "Loner Ltd", "is_company": True, "phone": "605005005"}
        )
        loner.with_user(self.sales_manager).write({"lifecycle_stage_id": self.stage_opportunity.id})
        self.assertEqual(loner.lifecycle_stage_id, self.stage_opportunity)
        vendor = self.env["res.partner"].create({"name": "ACME Ltd.", "is_company": True})
        self.assertFalse(vendor.lifecycle_stage_id)
        with self.assertRaises(UserError):
            vendor.with_user(self.sales_manager).write({"lifecycle_stage_id": self.stage_opportunity.id})

    def test_setting_off(self):
        self.company.crm_duplicate_check = False
        partner = self._customer_of(self.salesperson, {"name": "ACME Ltd.", "is_company": True})
        lead = (
            self.env["crm.lead"].with_user(self.salesperson).create({"name": "Quote", "partner_name": "ACME"})
        )
        self.assertEqual(partner.crm_name_key, lead.crm_name_key)

    def test_archived_and_unmanaged_partners_never_match(self):
        self.acme.action_archive()
        partner = self._customer_of(self.salesperson, {"name": "ACME Ltd.", "is_company": True})
        self.assertTrue(partner.lifecycle_stage_id)
        # a vendor is no followed customer: it blocks nothing
        vendor = self.env["res.partner"].create(
            {"name": "Steel Works S.A.", "is_company": True, "phone": "602002002"}
        )
        self.assertFalse(vendor.lifecycle_stage_id)
        customer = self._customer_of(
            self.salesperson, {"name": "Steel Works", "is_company": True, "phone": "602002002"}
        )
        self.assertEqual(customer.crm_phone_key, vendor.crm_phone_key)

    def test_contacts_follow_their_company(self):
        contact = (
            self.env["res.partner"]
            .with_user(self.alice)
            .create(
                {
                    "name": "Jan Kowalski",
                    "parent_id": self.acme.id,
                    "email": "jan@acme-group.pl",
                    "phone": "602 000 002",
                }
            )
        )
        self.assertEqual(contact.lifecycle_stage_id, self.stage_opportunity)
        # a contact's keys do not make its own company a duplicate
        self.acme.with_user(self.alice).write({"phone": "602-000-002"})
        self.assertEqual(self.acme.crm_phone_key, contact.crm_phone_key)
        # but they find the company for a new customer, named by the company's name
        with self.assertRaises(UserError) as error:
            self._customer_of(self.salesperson, {"name": "Kowalski Consulting", "email": "JAN@acme-group.pl"})
        self.assertIn("ACME Sp. z o.o. already exists", str(error.exception))
        self.assertNotIn("Jan Kowalski", str(error.exception))
        # contacts of the salesperson's own customer are not checked: they follow their company
        contact = (
            self.env["res.partner"]
            .with_user(self.salesperson)
            .create({"name": "Switchboard", "parent_id": self.own_customer.id, "phone": "+48 600 100 200"})
        )
        self.assertEqual(contact.commercial_partner_id, self.own_customer)

    def test_odoo_flows_keep_working(self):
        Partner = self.env["res.partner"].with_user(self.salesperson)
        # vendors and plain contacts are not followed customers
        vendor = Partner.with_context(res_partner_search_mode="supplier").create(
            {"name": "ACME Ltd", "is_company": True, "phone": "+48 600 100 200"}
        )
        self.assertFalse(vendor.lifecycle_stage_id)
        # users get a partner with the same email
        user = new_test_user(self.env, login="acme_user", email="office@acme.pl", groups="base.group_user")
        self.assertEqual(user.partner_id.crm_email_key, self.acme.crm_email_key)
        # leads of an existing customer, and quotations
        lead = (
            self.env["crm.lead"]
            .with_user(self.salesperson)
            .create({"name": "Upsell", "partner_id": self.own_customer.id, "type": "opportunity"})
        )
        order = (
            self.env["sale.order"].with_user(self.salesperson).create({"partner_id": self.own_customer.id})
        )
        self.assertEqual(lead.partner_id, order.partner_id)
        # superuser flows (mail gateway, website forms) have nobody to refuse
        self.env["crm.lead"].sudo().create({"name": "From the website", "email_from": "office@acme.pl"})
        # a manager converts Alice's lead into a customer for Alice
        self.huawei_lead.with_user(self.sales_manager).with_context(
            crm_lifecycle_managed=True
        )._handle_partner_assignment(create_missing=True)
        customer = self.huawei_lead.partner_id.commercial_partner_id
        self.assertEqual((customer.name, customer.user_id), ("北京华为技术有限公司", self.alice))
        self.assertEqual(customer.crm_name_key, "北京华为技术")


@tagged("post_install", "-at_install")
class TestCustomerCheckTour(HttpCase):
    def test_salesperson_checks_a_customer(self):
        salesman = self.env.ref("sales_team.group_sale_salesman")
        alice, sally = self.env["res.users"].create(
            [
                {
                    "name": name,
                    "login": login,
                    "password": login,
                    "groups_id": [Command.set(salesman.ids)],
                }
                for name, login in [("Tour Alice", "tour_dup_alice"), ("Tour Sally", "tour_dup_sally")]
            ]
        )
        customer = (
            self.env["res.partner"]
            .with_user(alice)
            .with_context(crm_lifecycle_managed=True)
            .create({"name": "ACME Tour Sp. z o.o.", "is_company": True, "user_id": alice.id})
        )
        self.assertTrue(customer.lifecycle_stage_id)
        self.start_tour("/odoo", "crm_customer_check_tour", login=sally.login)
        self.assertTrue(self.env["crm.customer.check"].search([("create_uid", "=", sally.id)]))
