from datetime import timedelta

from lxml import etree

from odoo import Command, fields
from odoo.exceptions import AccessError, RedirectWarning, UserError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import SQL
from odoo.tools.sql import index_exists

from .common import CrmSuiteCase


@tagged("post_install", "-at_install")
class TestPoolAccess(CrmSuiteCase):
    """Data permissions of ownership: who sees which customer, and documents that keep opening."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        salesman = "sales_team.group_sale_salesman"
        cls.rival = new_test_user(cls.env, login="crm_acl_rival", name="Rita Rival", groups=salesman)
        cls.colleague = new_test_user(
            cls.env, login="crm_acl_colleague", name="Colin Colleague", groups=salesman
        )
        cls.leader = new_test_user(cls.env, login="crm_acl_leader", name="Leo Leader", groups=salesman)
        Team = cls.env["crm.team"]
        cls.team_north = Team.create(
            {
                "name": "North Desk",
                "user_id": cls.leader.id,
                "member_ids": [Command.set((cls.salesperson | cls.colleague).ids)],
            }
        )
        cls.team_south = Team.create({"name": "South Desk", "member_ids": [Command.set(cls.rival.ids)]})
        Pool = cls.env["crm.pool"]
        cls.default_pool = Pool._get_default(cls.company)
        cls.north_pool = Pool.create({"name": "North Pool", "team_ids": [Command.set(cls.team_north.ids)]})
        cls.south_pool = Pool.create({"name": "South Pool", "team_ids": [Command.set(cls.team_south.ids)]})

        Partner = cls.env["res.partner"].with_context(crm_lifecycle_managed=True)
        cls.own_customer = Partner.create(
            {"name": "Own Access Trading", "is_company": True, "user_id": cls.salesperson.id}
        )
        cls.rival_customer = Partner.create(
            {"name": "Rival Access Trading", "is_company": True, "user_id": cls.rival.id}
        )
        cls.rival_contact = cls.env["res.partner"].create(
            {"name": "Rachel Buyer", "parent_id": cls.rival_customer.id, "email": "rachel@rival.example"}
        )
        cls.colleague_customer = Partner.create(
            {"name": "Colleague Access Trading", "is_company": True, "user_id": cls.colleague.id}
        )
        cls.default_pool_customer, cls.north_pool_customer, cls.south_pool_customer = Partner.create(
            [
                {"name": "Company Pool Trading", "is_company": True, "crm_pool_id": cls.default_pool.id},
                {"name": "North Pool Trading", "is_company": True, "crm_pool_id": cls.north_pool.id},
                {"name": "South Pool Trading", "is_company": True, "crm_pool_id": cls.south_pool.id},
            ]
        )
        # outside the CRM flow: no lifecycle stage, whoever the salesperson on it
        cls.vendor = cls.env["res.partner"].create(
            {"name": "Plain Vendor Supplies", "is_company": True, "user_id": cls.rival.id}
        )
        cls.portal_user = new_test_user(
            cls.env, login="crm_acl_portal", name="Pat Portal", groups="base.group_portal"
        )
        cls.portal_user.partner_id.parent_id = cls.rival_customer

    def _visible(self, user, partners):
        return self.env["res.partner"].with_user(user).search([("id", "in", partners.ids)])

    def assertSees(self, user, partners):
        self.assertEqual(self._visible(user, partners), partners, f"{user.login} should see them")
        # reading works too
        partners.with_user(user).read(["name", "email", "user_id"])

    def assertHidden(self, user, partners):
        self.assertFalse(self._visible(user, partners), f"{user.login} should not see them")
        for partner in partners:
            with self.assertRaises(AccessError):
                partner.with_user(user).read(["name", "email"])

    # ------------------------------------------------------------------
    # Customers
    # ------------------------------------------------------------------
    def test_duplicate_check_opens_only_pools_open_to_the_user(self):
        Partner = self.env["res.partner"].with_user(self.salesperson).with_context(crm_lifecycle_managed=True)
        # a customer of the user's own team pool: offered to open it
        with self.assertRaises(RedirectWarning):
            Partner.create({"name": "North Pool Trading", "is_company": True})
        # a customer of another team's pool: refused like another salesperson's, nothing to open
        with self.assertRaises(UserError) as refusal:
            Partner.create({"name": "South Pool Trading", "is_company": True})
        self.assertNotIsInstance(refusal.exception, RedirectWarning)
        self.assertIn("in the pool South Pool, which is open to other sales teams", str(refusal.exception))
        # the Check Customer screen gives no way to open it either
        Check = self.env["crm.customer.check"].with_user(self.salesperson)
        check = Check.create({"query": "South Pool Trading"})
        check.action_check()
        south = check.result_ids.filtered(lambda row: row.name == "South Pool Trading")
        self.assertTrue(south)
        self.assertEqual(south.status, "other")
        self.assertFalse(south.partner_id)

    def test_fixture_states(self):
        self.assertEqual(self.own_customer.crm_pool_state, "owned")
        self.assertEqual(self.north_pool_customer.crm_pool_state, "pool")
        self.assertEqual(self.north_pool_customer.crm_pool_id, self.north_pool)
        self.assertEqual(self.colleague_customer.crm_team_id, self.team_north)
        self.assertEqual(self.rival_customer.crm_team_id, self.team_south)
        self.assertEqual(self.rival_contact.lifecycle_stage_id, self.rival_customer.lifecycle_stage_id)

    def test_salesperson_sees_own_and_open_pools(self):
        self.assertSees(
            self.salesperson, self.own_customer | self.default_pool_customer | self.north_pool_customer
        )

    def test_salesperson_never_sees_other_customer(self):
        self.assertHidden(
            self.salesperson,
            self.rival_customer | self.rival_contact | self.colleague_customer | self.south_pool_customer,
        )
        names = [
            name for __, name in self.env["res.partner"].with_user(self.salesperson).name_search("Rival")
        ]
        self.assertNotIn(self.rival_customer.display_name, names)
        self.assertNotIn(self.rival_contact.display_name, names)

    def test_team_pool_open_to_members_and_leader_only(self):
        self.assertSees(self.colleague, self.north_pool_customer)
        self.assertSees(self.leader, self.north_pool_customer)
        self.assertHidden(self.rival, self.north_pool_customer)
        self.assertSees(self.rival, self.south_pool_customer | self.default_pool_customer)

    def test_team_leader_sees_team_customers(self):
        self.assertSees(self.leader, self.colleague_customer | self.north_pool_customer)
        self.assertHidden(self.leader, self.rival_customer)
        # a fellow member is no leader
        self.assertHidden(self.salesperson, self.colleague_customer)

    def test_manager_sees_all(self):
        everyone = (
            self.own_customer
            | self.rival_customer
            | self.rival_contact
            | self.colleague_customer
            | self.default_pool_customer
            | self.north_pool_customer
            | self.south_pool_customer
        )
        self.assertSees(self.sales_manager, everyone)

    def test_partners_outside_crm_flow_stay_visible(self):
        # a portal user who is no contact of a followed customer (a website visitor)
        visitor = new_test_user(
            self.env, login="crm_acl_visitor", name="Vic Visitor", groups="base.group_portal"
        )
        outside = self.vendor | self.rival.partner_id | visitor.partner_id | self.company.partner_id
        for user in (self.salesperson, self.rival, self.leader, self.sales_manager):
            self.assertSees(user, outside)
        # the contact of a customer with a portal login follows its customer
        self.assertSees(self.rival, self.portal_user.partner_id)
        self.assertHidden(self.salesperson, self.portal_user.partner_id | self.rival_customer)

    def test_released_customer_leaves_its_owner(self):
        """A customer the owner releases to a team pool the owner is no member of disappears."""
        self.own_customer.crm_pool_id = self.south_pool
        self.own_customer.with_user(self.salesperson).action_crm_release(reason="Not our market")
        self.assertHidden(self.salesperson, self.own_customer)
        self.assertSees(self.rival, self.own_customer)

    def test_other_company_pool_invisible(self):
        company_b = self.env["res.company"].create({"name": "Access Company B"})
        pool_b = self.env["crm.pool"].create({"name": "Pool B", "company_id": company_b.id})
        Partner = self.env["res.partner"].with_context(crm_lifecycle_managed=True)
        customer_b, shared_b = Partner.create(
            [
                {
                    "name": "B Pool Trading",
                    "is_company": True,
                    "company_id": company_b.id,
                    "crm_pool_id": pool_b.id,
                },
                # a partner shared between companies, in company B's pool
                {"name": "B Shared Trading", "is_company": True, "crm_pool_id": pool_b.id},
            ]
        )
        self.assertEqual(customer_b.crm_pool_state, "pool")
        self.assertFalse(self.env["crm.pool"].with_user(self.salesperson).search([("id", "=", pool_b.id)]))
        self.assertNotIn(pool_b, self.salesperson.crm_pool_ids)
        self.assertHidden(self.salesperson, customer_b | shared_b)
        # a salesperson of both companies sees it with company B active
        both = new_test_user(
            self.env,
            login="crm_acl_both",
            name="Bea Both",
            groups="sales_team.group_sale_salesman",
            company_ids=[Command.set((self.company | company_b).ids)],
        )
        self.assertIn(pool_b, both.crm_pool_ids)
        both_env = self.env(
            user=both, context=dict(self.env.context, allowed_company_ids=[self.company.id, company_b.id])
        )
        self.assertEqual(both_env["crm.pool"].search([("id", "=", pool_b.id)]), pool_b)
        self.assertEqual(
            both_env["res.partner"].search([("id", "in", (customer_b | shared_b).ids)]), customer_b | shared_b
        )
        a_only_env = self.env(
            user=both, context=dict(self.env.context, allowed_company_ids=[self.company.id])
        )
        self.assertFalse(a_only_env["res.partner"].search([("id", "in", (customer_b | shared_b).ids)]))

    # ------------------------------------------------------------------
    # Holes closed by issue 11
    # ------------------------------------------------------------------
    def assertRefused(self, user, partner):
        """``user`` can neither read, edit nor delete ``partner``."""
        as_user = partner.with_user(user)
        with self.assertRaises(AccessError):
            as_user.read(["name"])
        with self.assertRaises(AccessError):
            as_user.write({"phone": "+48 600 999 999"})
        with self.assertRaises(AccessError):
            as_user.unlink()

    def test_portal_login_opens_no_colleagues_customer(self):
        """A customer (or its contact) with a portal login stays its owner's: the login makes it
        no employee of the company."""
        # the colleague's customer itself gets a portal login
        new_test_user(
            self.env,
            login="crm_acl_portal_company",
            name="Colleague Access Trading",
            groups="base.group_portal",
            partner_id=self.colleague_customer.id,
        )
        # the rival's customer has a contact with a portal login (the fixture's Pat Portal)
        portal_contact = self.portal_user.partner_id
        self.assertEqual(portal_contact.commercial_partner_id, self.rival_customer)
        self.assertFalse(self._visible(self.salesperson, self.colleague_customer | portal_contact))
        self.assertRefused(self.salesperson, self.colleague_customer)
        self.assertRefused(self.salesperson, portal_contact)
        # their owners keep them
        self.colleague_customer.with_user(self.colleague).write({"phone": "+48 600 111 111"})
        portal_contact.with_user(self.rival).write({"phone": "+48 600 222 222"})
        # the partners of employees stay visible to every salesperson
        self.assertSees(self.salesperson, self.rival.partner_id | self.colleague.partner_id)

    def test_pool_customer_read_only_until_claimed(self):
        customer = self.north_pool_customer.with_user(self.salesperson)
        self.assertSees(self.salesperson, self.north_pool_customer | self.default_pool_customer)
        with self.assertRaises(AccessError):
            customer.write({"phone": "+48 600 333 333"})
        with self.assertRaises(AccessError):
            customer.unlink()
        with self.assertRaises(AccessError):
            self.default_pool_customer.with_user(self.salesperson).write({"phone": "+48 600 333 333"})
        # Log a Call is for owners
        log = (
            self.env["crm.contact.log"]
            .with_user(self.salesperson)
            .create({"partner_id": self.north_pool_customer.id, "summary": "Asked for a catalogue"})
        )
        with self.assertRaises(AccessError):
            log.action_confirm()
        # a claim makes it the salesperson's to edit and to call
        customer.action_crm_claim()
        self.assertEqual(self.north_pool_customer.user_id, self.salesperson)
        customer.write({"phone": "+48 600 333 333"})
        log.action_confirm()
        self.assertTrue(self.north_pool_customer.last_contact_date)
        # managers edit pool customers without claiming them
        self.default_pool_customer.with_user(self.sales_manager).write({"phone": "+48 600 444 444"})
        self.assertEqual(self.default_pool_customer.crm_pool_state, "pool")

    def test_new_pool_customer_editable_by_its_creator_until_owned(self):
        """The salesperson who types a new customer with its contacts into the pool keeps
        editing it; colleagues read it only, and once somebody owns it, it is theirs."""
        Partner = self.env["res.partner"].with_user(self.salesperson)
        customer = Partner.with_context(res_partner_search_mode="customer").create(
            {
                "name": "Freshly Typed Trading",
                "is_company": True,
                "child_ids": [Command.create({"name": "Fred Fresh", "street": "1 Market Street"})],
            }
        )
        self.assertEqual(customer.crm_pool_state, "pool")
        self.assertEqual(customer.street, "1 Market Street", "the first contact's address is the company's")
        customer.write({"phone": "+48 600 666 666"})
        customer.child_ids.write({"email": "fred@fresh.example"})
        with self.assertRaises(AccessError):
            customer.with_user(self.colleague).write({"phone": "+48 600 777 777"})
        customer.with_user(self.colleague).action_crm_claim()
        with self.assertRaises(AccessError):
            customer.write({"phone": "+48 600 888 888"})

    def test_pool_customer_claimed_by_lead_or_quotation(self):
        """A new opportunity or quotation for a pool customer claims it for the salesperson."""
        lead = (
            self.env["crm.lead"]
            .with_user(self.salesperson)
            .create(
                {
                    "name": "Pool customer wants a quote",
                    "type": "opportunity",
                    "partner_id": self.north_pool_customer.id,
                }
            )
        )
        self.assertEqual(lead.user_id, self.salesperson)
        self.assertEqual(self.north_pool_customer.user_id, self.salesperson)
        self.assertEqual(self.north_pool_customer.lifecycle_stage_id.code, "qualified")
        order = (
            self.env["sale.order"]
            .with_user(self.salesperson)
            .create(
                {
                    "partner_id": self.default_pool_customer.id,
                    "order_line": [Command.create({"product_id": self._make_product().id})],
                }
            )
        )
        self.assertEqual(order.user_id, self.salesperson)
        self.assertEqual(self.default_pool_customer.user_id, self.salesperson)
        self.default_pool_customer.with_user(self.salesperson).write({"phone": "+48 600 555 555"})

    def test_timeline_of_team_pool_hidden_from_outsiders(self):
        """The events of a team pool's customers follow the pool: hidden from the salespeople of
        other teams in the timeline menu, in the customer's tab and in grouped counts."""
        south = self.south_pool_customer
        events = south.crm_event_ids
        self.assertTrue(events)
        Event = self.env["crm.partner.event"]
        # the timeline menu
        self.assertFalse(Event.with_user(self.salesperson).search([("partner_id", "=", south.id)]))
        with self.assertRaises(AccessError):
            events.with_user(self.salesperson).read(["event_type"])
        self.assertEqual(Event.with_user(self.rival).search([("partner_id", "=", south.id)]), events)
        self.assertTrue(
            Event.with_user(self.salesperson).search([("partner_id", "=", self.north_pool_customer.id)])
        )
        # grouped counts (pivot, graph, kanban)
        domain = [("partner_id", "in", (south | self.north_pool_customer).ids)]
        counts = dict(Event.with_user(self.salesperson)._read_group(domain, ["partner_id"], ["__count"]))
        self.assertNotIn(south, counts)
        self.assertIn(self.north_pool_customer, counts)
        grouped = Event.with_user(self.salesperson).web_read_group(domain, ["partner_id"], ["partner_id"])
        groups = grouped["groups"]
        self.assertNotIn(south.id, [group["partner_id"][0] for group in groups])
        # the customer's tab: the salesperson reads the customer of an own quotation
        self.env["sale.order"].create({"partner_id": south.id, "user_id": self.salesperson.id})
        self.assertEqual(south.crm_pool_state, "pool")
        self.env.invalidate_all()
        as_salesperson = south.with_user(self.salesperson)
        [values] = as_salesperson.web_read(
            {"crm_event_ids": {"fields": {"event_type": {}}}, "crm_event_count": {}}
        )
        self.assertFalse(values["crm_event_ids"])
        self.assertEqual(values["crm_event_count"], 0)
        self.assertFalse(as_salesperson.crm_event_ids)
        # the events a salesperson took part in stay theirs
        self.own_customer.crm_pool_id = self.south_pool
        self.own_customer.with_user(self.salesperson).action_crm_release(reason="Not our market")
        release = Event.with_user(self.salesperson).search(
            [("partner_id", "=", self.own_customer.id), ("event_type", "=", "release")]
        )
        self.assertEqual(release.from_user_id, self.salesperson)

    # ------------------------------------------------------------------
    # Documents of another salesperson's customer
    # ------------------------------------------------------------------
    def _make_product(self):
        return self.env["product.product"].create(
            {"name": "Access Widget", "list_price": 100.0, "standard_price": 40.0, "type": "consu"}
        )

    def _rival_documents(self, user):
        """A quotation, a posted invoice and an opportunity of the rival's customer, whose
        salesperson is ``user`` (False: none)."""
        product = self._make_product()
        order = self.env["sale.order"].create(
            {
                "partner_id": self.rival_customer.id,
                "user_id": user.id if user else False,
                "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 2})],
            }
        )
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.rival_customer.id,
                "invoice_user_id": user.id if user else False,
                "invoice_line_ids": [Command.create({"product_id": product.id, "price_unit": 100.0})],
            }
        )
        invoice.action_post()
        lead = self.env["crm.lead"].create(
            {
                "name": "Rival's customer wants more",
                "type": "opportunity",
                "partner_id": self.rival_contact.id,
                "user_id": user.id if user else False,
            }
        )
        # documents made by the system claim nothing
        self.assertEqual(self.rival_customer.user_id, self.rival)
        return order, invoice, lead

    def assertDocumentOpens(self, record, user, partner):
        """``user`` opens ``record`` the way the web client does, and sees ``partner``'s name."""
        form = Form(record.with_user(user))
        self.assertEqual(form.partner_id.id, partner.id)
        self.env.invalidate_all()
        [values] = record.with_user(user).web_read(self._web_spec(record, form._view["fields_spec"]))
        self.assertEqual(values["partner_id"]["display_name"], partner.display_name)
        # and the list of the documents
        Model = self.env[record._name].with_user(user)
        spec = self._list_spec(Model.get_views([(False, "list")]), record._name)
        self.assertEqual(Model.web_search_read([("id", "=", record.id)], spec)["length"], 1)

    def test_documents_of_other_customer_open_for_their_salesperson(self):
        order, invoice, lead = self._rival_documents(self.salesperson)
        self.assertDocumentOpens(order, self.salesperson, self.rival_customer)
        self.assertDocumentOpens(invoice, self.salesperson, self.rival_customer)
        self.assertDocumentOpens(lead, self.salesperson, self.rival_contact)
        # the salesperson of a document reads its customer (printed on it), never edits it
        customer = self.rival_customer.with_user(self.salesperson)
        customer.read(["name", "email", "lang"])
        self.rival_contact.with_user(self.salesperson).read(["name", "email"])
        with self.assertRaises(AccessError):
            customer.write({"email": "taken@rival.example"})
        # the customers of other salespeople's documents stay hidden
        self.assertHidden(self.colleague, self.rival_customer | self.rival_contact)
        # the salesperson prints and confirms the quotation, and invoices it
        Report = self.env["ir.actions.report"].with_user(self.salesperson)
        html, __ = Report._render_qweb_html("sale.report_saleorder", order.ids)
        self.assertIn(self.rival_customer.name, str(html))
        Report._render_qweb_html("account.report_invoice", invoice.ids)
        order.with_user(self.salesperson).action_confirm()
        self.assertEqual(order.state, "sale")
        new_invoice = order.with_user(self.salesperson)._create_invoices()
        self.assertEqual(new_invoice.partner_id, self.rival_customer)
        self.assertEqual(self.rival_customer.user_id, self.rival, "the owner keeps the customer")

    def test_invoice_rule_reads_an_index(self):
        """The rule "customers of own invoices" runs on every read of partners by a salesperson:
        its lookup of the salesperson's invoices reads an index, not all of account_move."""
        __, invoice, __ = self._rival_documents(self.salesperson)
        index = "account_move_crm_invoice_user_partner_index"
        self.assertTrue(index_exists(self.env.cr, index))
        scans = SQL("SELECT pg_stat_get_xact_numscans(%s::regclass)", index)
        # the test database is small: forbid sequential scans to see which index the rule can use
        self.env.cr.execute("SET LOCAL enable_seqscan = off")
        self.env.cr.execute(scans)
        before = self.env.cr.fetchone()[0]
        self.env.invalidate_all()
        found = (
            self.env["res.partner"].with_user(self.salesperson).search([("id", "=", invoice.partner_id.id)])
        )
        self.env.cr.execute(scans)
        after = self.env.cr.fetchone()[0]
        self.env.cr.execute("SET LOCAL enable_seqscan = on")
        self.assertEqual(found, self.rival_customer)
        self.assertGreater(after, before)

    def test_documents_of_other_customer_open_without_salesperson(self):
        """Documents without a salesperson are every salesperson's to see (Odoo's own rules);
        "All Documents" salespeople see every document: all open, the customer stays hidden."""
        all_documents = new_test_user(
            self.env,
            login="crm_acl_all_documents",
            name="Alma All Documents",
            groups="sales_team.group_sale_salesman_all_leads",
        )
        order, invoice, lead = self._rival_documents(False)
        rival_order, rival_invoice, rival_lead = self._rival_documents(self.rival)
        for record, partner in (
            (order, self.rival_customer),
            (invoice, self.rival_customer),
            (lead, self.rival_contact),
        ):
            self.assertDocumentOpens(record, self.salesperson, partner)
        for record, partner in (
            (rival_order, self.rival_customer),
            (rival_invoice, self.rival_customer),
            (rival_lead, self.rival_contact),
        ):
            self.assertDocumentOpens(record, all_documents, partner)
        self.assertHidden(self.salesperson, self.rival_customer | self.rival_contact)
        self.assertHidden(all_documents, self.rival_customer | self.rival_contact)

    def _web_spec(self, model, spec):
        """``spec`` as the web client sends it: the name of every many2one record, too."""
        result = {}
        for name, sub_spec in spec.items():
            field = model._fields[name]
            if field.type == "many2one":
                sub_spec = dict(sub_spec, fields=dict(sub_spec.get("fields") or {}, display_name={}))
            elif field.type in ("one2many", "many2many") and sub_spec.get("fields"):
                sub_spec = dict(
                    sub_spec, fields=self._web_spec(self.env[field.comodel_name], sub_spec["fields"])
                )
            result[name] = sub_spec
        return result

    def _list_spec(self, views, model_name):
        """What the web client reads for the list view: names of many2one and tag records,
        the ids of other x2many records."""
        arch = etree.fromstring(views["views"]["list"]["arch"])
        fields_info = views["models"][model_name]["fields"]
        spec = {}
        for node in arch.iter("field"):
            name = node.get("name")
            if name not in fields_info:
                continue
            ftype = fields_info[name]["type"]
            if ftype == "many2one" or node.get("widget") == "many2many_tags":
                spec[name] = {"fields": {"display_name": {}}}
            else:
                spec[name] = {}
        return spec

    # ------------------------------------------------------------------
    # Odoo flows with a salesperson
    # ------------------------------------------------------------------
    def test_salesperson_sells_to_new_customer(self):
        product = self._make_product()
        env = self.env(user=self.salesperson)
        partner = (
            env["res.partner"]
            .with_context(res_partner_search_mode="customer")
            .create({"name": "Brand New Customer Ltd", "is_company": True, "email": "buy@brandnew.example"})
        )
        self.assertEqual(partner.lifecycle_stage_id.code, "pool")
        with Form(env["sale.order"]) as order_form:
            order_form.partner_id = partner
            with order_form.order_line.new() as line:
                line.product_id = product
                line.product_uom_qty = 3
        order = order_form.record
        self.assertEqual(order.user_id, self.salesperson)
        self.assertEqual(partner.user_id, self.salesperson, "the quotation claims the pool customer")
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertEqual(partner.lifecycle_stage_id.code, "customer")
        invoice = order._create_invoices()
        self.assertEqual(invoice.partner_id, partner)
        invoice.sudo().action_post()
        self.assertEqual(invoice.with_user(self.salesperson).state, "posted")
        Form(invoice.with_user(self.salesperson))

    def test_contacts_list_loads_for_salesperson(self):
        for xmlid in ("base.action_partner_form", "account.res_partner_action_customer"):
            action = self.env.ref(xmlid).sudo()._get_action_dict()
            Model = self.env["res.partner"].with_user(self.salesperson)
            context = self._eval_action_context(action.get("context"))
            Model = Model.with_context(**context)
            views = Model.get_views([(False, "kanban"), (False, "list"), (False, "search")])
            spec = self._list_spec(views, "res.partner")
            result = Model.web_search_read(self._eval_domain(action.get("domain")), spec, limit=200)
            ids = [row["id"] for row in result["records"]]
            self.assertNotIn(self.rival_customer.id, ids)
            self.assertNotIn(self.rival_contact.id, ids)
            self.assertNotIn(self.portal_user.partner_id.id, ids)
        # the kanban of customers of the suite, grouped by stage
        result = (
            self.env["res.partner"]
            .with_user(self.salesperson)
            .web_read_group(
                [("lifecycle_stage_id", "!=", False)], ["lifecycle_stage_id"], ["lifecycle_stage_id"]
            )
        )
        self.assertTrue(result["groups"])

    def test_salesperson_reassigned_order_keeps_opening(self):
        """The customer moves to another salesperson after the quotation: the quotation still
        opens and confirms."""
        product = self._make_product()
        order = (
            self.env["sale.order"]
            .with_user(self.salesperson)
            .create(
                {
                    "partner_id": self.own_customer.id,
                    "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 1})],
                }
            )
        )
        self.own_customer.with_user(self.sales_manager).action_crm_assign(self.rival)
        self.assertEqual(self.own_customer.user_id, self.rival)
        self.assertDocumentOpens(order, self.salesperson, self.own_customer)
        order.with_user(self.salesperson).action_confirm()
        self.assertEqual(order.state, "sale")
        with self.assertRaises(AccessError):
            self.own_customer.with_user(self.salesperson).write({"phone": "+48 600 000 000"})

    # ------------------------------------------------------------------
    # Demo data
    # ------------------------------------------------------------------
    def test_demo_pools_consistent(self):
        presales = self.env.ref("crm_lifecycle.crm_pool_demo_presales", raise_if_not_found=False)
        sales = self.env.ref("crm_lifecycle.crm_pool_demo_sales", raise_if_not_found=False)
        if not (presales and sales):
            self.skipTest("crm_lifecycle demo data is not loaded in this database")
        self.assertEqual(sales.team_ids, self.env.ref("sales_team.team_sales_department"))
        self.assertEqual(presales.team_ids, self.env.ref("sales_team.crm_team_1"))
        warning_type = self.env.ref("crm_lifecycle.mail_activity_type_crm_release_warning")
        for pool in sales | presales:
            in_pool = pool.partner_ids.filtered(lambda partner: partner.crm_pool_state == "pool")
            self.assertEqual(pool.pool_partner_count, len(in_pool))
            released = in_pool.filtered("previous_owner_id")
            self.assertTrue(released, f"{pool.name}: no customer released to the pool")
            for partner in released:
                self.assertTrue(partner.crm_release_reason)
                self.assertLess(partner.crm_released_date, fields.Datetime.now())
                self.assertGreater(partner.crm_pool_days, 0)
                self.assertFalse(partner.user_id)
                release = partner.crm_event_ids.filtered(lambda event: event.event_type == "release")
                self.assertEqual(release.date, partner.crm_released_date)
                self.assertEqual(release.from_user_id, partner.previous_owner_id)
                # the timeline before the release stays before it
                self.assertLessEqual(max(partner.crm_event_ids.mapped("date")), partner.crm_released_date)
            self.assertTrue(released.filtered("crm_released_by_id"), f"{pool.name}: no release by hand")
            self.assertTrue(released.filtered(lambda p: not p.crm_released_by_id), f"{pool.name}: no timeout")
            owned = pool.partner_ids.filtered(lambda partner: partner.crm_pool_state == "owned")
            self.assertTrue(owned)
            # customers about to return: the deadline fell in the warning window when the demo
            # was loaded, and their owner got the warning
            warned = owned.filtered("crm_warned_date")
            self.assertTrue(warned, f"{pool.name}: no customer about to return")
            for partner in warned:
                self.assertTrue(partner.ownership_deadline)
                self.assertLessEqual(
                    partner.ownership_deadline - timedelta(days=pool.warn_days), partner.crm_warned_date
                )
                self.assertLess(
                    partner.owner_since, partner.crm_warned_date - timedelta(days=pool.protection_days)
                )
                activity = partner.activity_ids.filtered(lambda act: act.activity_type_id == warning_type)
                self.assertEqual(activity.user_id, partner.user_id)
        # Marc Demo (Pre-Sales) sees the Pre-Sales pool, not the Sales one
        demo_user = self.env.ref("base.user_demo")
        Partner = self.env["res.partner"].with_user(demo_user)
        presales_pool = presales.partner_ids.filtered(lambda partner: partner.crm_pool_state == "pool")
        sales_pool = sales.partner_ids.filtered(lambda partner: partner.crm_pool_state == "pool")
        self.assertEqual(Partner.search([("id", "in", presales_pool.ids)]), presales_pool)
        self.assertFalse(Partner.search([("id", "in", sales_pool.ids)]))
