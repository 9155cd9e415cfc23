from datetime import timedelta

from dateutil.relativedelta import relativedelta
from lxml import etree

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import Form, HttpCase, new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from .common import CrmSuiteCase

SALESPERSON_MENUS = (
    "crm_lifecycle.crm_pool_public_menu",
    "crm_lifecycle.crm_my_followup_menu",
    "crm_lifecycle.crm_never_contacted_menu",
    "crm_lifecycle.crm_pool_owner_report_menu",
)
MANAGER_MENUS = (
    "crm_lifecycle.crm_pool_menu",
    "crm_lifecycle.crm_pool_dashboard_menu",
    "crm_lifecycle.crm_pool_release_reason_menu",
    "crm_lifecycle.crm_pool_partner_report_menu",
)


@tagged("post_install", "-at_install")
class TestPoolUi(CrmSuiteCase):
    """The screens of ownership and pools: menus, buttons, filters, wizards and reports."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.colleague = new_test_user(
            cls.env,
            login="crm_pool_colleague",
            name="Colin Colleague",
            groups="sales_team.group_sale_salesman",
        )
        cls.pool = cls.env["crm.pool"].create(
            {
                "name": "UI Test Pool",
                "is_default": False,
                "max_owned": 3,
                "max_locked": 1,
                "max_claims_per_day": 5,
                "protection_days": 0,
                "reclaim_cooldown_days": 0,
                "no_contact_days": 30,
                "no_opportunity_days": 0,
                "no_deal_days": 0,
                "followup_days": 14,
            }
        )
        Partner = cls.env["res.partner"].with_context(crm_lifecycle_managed=True)
        cls.pool_customer, cls.other_pool_customer = Partner.create(
            [
                {"name": "Pool Trading Ltd", "is_company": True, "crm_pool_id": cls.pool.id},
                {"name": "Second Pool Trading Ltd", "is_company": True, "crm_pool_id": cls.pool.id},
            ]
        )
        cls.own_customer = Partner.create(
            {
                "name": "Own Trading Ltd",
                "is_company": True,
                "user_id": cls.salesperson.id,
                "crm_pool_id": cls.pool.id,
            }
        )

    def _wizard_form(self, action, user):
        """The dialog that ``action`` opens, as ``user`` fills it."""
        return Form(self.env[action["res_model"]].with_user(user).with_context(**action["context"]))

    # ------------------------------------------------------------------
    # Menus and views
    # ------------------------------------------------------------------
    def test_menus_open_for_salesperson(self):
        for xmlid in SALESPERSON_MENUS:
            self.assertMenuOpens(self.salesperson, xmlid)
        for xmlid in MANAGER_MENUS:
            self.assertMenuHidden(self.salesperson, xmlid)

    def test_menus_open_for_manager(self):
        for xmlid in SALESPERSON_MENUS + MANAGER_MENUS:
            self.assertMenuOpens(self.sales_manager, xmlid)

    def test_form_buttons_by_role(self):
        """Salespeople get claim, release, lock and log a call; only managers assign."""
        for user, can_assign in ((self.salesperson, False), (self.sales_manager, True)):
            arch = (
                self.env["res.partner"].with_user(user).get_views([(False, "form")])["views"]["form"]["arch"]
            )
            for button in (
                "action_crm_claim",
                "action_crm_release",
                "action_crm_lock",
                "action_crm_unlock",
                "action_crm_log_call",
            ):
                self.assertIn(f'name="{button}"', arch, user.login)
            self.assertEqual('name="action_crm_assign"' in arch, can_assign, user.login)
            self.assertIn('name="crm_lifecycle_ownership"', arch)

    def test_public_pool_list_shows_release(self):
        """Colleagues see who released a customer, when, why, and for how long it waits."""
        release = self.own_customer.with_user(self.salesperson).action_crm_release()
        with self._wizard_form(release, self.salesperson) as wizard:
            wizard.reason = "No budget this year"
        wizard.record.action_confirm()

        action = self.env.ref("crm_lifecycle.crm_pool_partner_action")
        list_view = self.env.ref("crm_lifecycle.res_partner_view_list_pool")
        Partner = self.env["res.partner"].with_user(self.colleague)
        arch = Partner.get_views([(list_view.id, "list")])["views"]["list"]["arch"]
        self.assertIn('name="action_crm_claim"', arch)
        rows = Partner.web_search_read(
            self._eval_domain(action.domain) + [("id", "=", self.own_customer.id)],
            {
                "display_name": {},
                "crm_released_by_id": {"fields": {"display_name": {}}},
                "previous_owner_id": {"fields": {"display_name": {}}},
                "crm_released_date": {},
                "crm_release_reason": {},
                "crm_pool_days": {},
                "crm_can_claim": {},
            },
        )["records"]
        self.assertEqual(len(rows), 1)
        row = rows[0]
        self.assertEqual(row["crm_released_by_id"]["id"], self.salesperson.id)
        self.assertEqual(row["previous_owner_id"]["id"], self.salesperson.id)
        self.assertEqual(row["crm_release_reason"], "No budget this year")
        self.assertTrue(row["crm_released_date"])
        self.assertEqual(row["crm_pool_days"], 0)
        self.assertTrue(row["crm_can_claim"])

    # ------------------------------------------------------------------
    # Wizards
    # ------------------------------------------------------------------
    def test_release_wizard_requires_reason(self):
        release = self.own_customer.with_user(self.salesperson).action_crm_release()
        self.assertEqual(release["res_model"], "crm.pool.release")
        wizard = self._wizard_form(release, self.salesperson)
        with self.assertRaises(AssertionError):
            wizard.save()  # the reason is required
        wizard.reason = "Moved abroad"
        record = wizard.save()
        self.assertEqual(record.partner_ids, self.own_customer)
        record.action_confirm()
        self.assertEqual(self.own_customer.crm_pool_state, "pool")
        self.assertFalse(self.own_customer.user_id)
        self.assertEqual(self.own_customer.crm_release_reason, "Moved abroad")
        event = self.own_customer.crm_event_ids.filtered(lambda event: event.event_type == "release")
        self.assertEqual(event.reason, "Moved abroad")

    def test_claim_from_list_selection(self):
        """The list's Claim button claims every selected customer for the user."""
        customers = (self.pool_customer | self.other_pool_customer).with_user(self.colleague)
        customers.action_crm_claim()
        self.assertEqual(customers.user_id, self.colleague)
        self.assertEqual(set(customers.mapped("crm_pool_state")), {"owned"})

    def test_assign_wizard_warns_over_limits(self):
        """A manager assigns in bulk; the wizard lists the limits the assignment overrides."""
        self.pool.max_owned = 1
        binding = self.env.ref("crm_lifecycle.crm_pool_assign_action")
        self.assertEqual(binding.binding_model_id.model, "res.partner")
        self.assertIn(self.env.ref("crm_lifecycle.group_crm_lifecycle_manager"), binding.groups_id)

        customers = self.pool_customer | self.other_pool_customer
        Wizard = self.env["crm.pool.assign"].with_user(self.sales_manager)
        wizard = Form(Wizard.with_context(default_partner_ids=customers.ids))
        self.assertFalse(wizard.warning)
        wizard.user_id = self.salesperson
        self.assertIn(self.pool.name, wizard.warning)
        self.assertIn(self.salesperson.name, wizard.warning)
        wizard.reason = "Key accounts of the region"
        result = wizard.save().action_confirm()
        self.assertEqual(result["params"]["type"], "warning")
        self.assertEqual(customers.user_id, self.salesperson)
        events = customers.crm_event_ids.filtered(lambda event: event.event_type == "assign")
        self.assertEqual(len(events), 2)
        self.assertTrue(all("Key accounts of the region" in event.reason for event in events))

    def test_assign_wizard_refused_to_salesperson(self):
        with self.assertRaises(AccessError):
            self.env["crm.pool.assign"].with_user(self.salesperson).create(
                {"partner_ids": self.pool_customer.ids, "user_id": self.salesperson.id}
            )

    def test_log_call_counts_as_contact(self):
        customer = self.own_customer.with_user(self.salesperson)
        self.assertTrue(customer.crm_never_contacted)
        action = customer.action_crm_log_call()
        with self._wizard_form(action, self.salesperson) as log:
            log.summary = "Wants the new catalogue"
            log.note = "<p>Send it by Friday.</p>"
        log.record.action_confirm()
        self.assertTrue(customer.last_contact_date)
        self.assertFalse(customer.crm_never_contacted)
        message = customer.message_ids[:1]
        self.assertIn("Call: Wants the new catalogue", message.body)
        self.assertIn("Send it by Friday.", message.body)
        self.assertEqual(message.author_id, self.salesperson.partner_id)

    # ------------------------------------------------------------------
    # Filters
    # ------------------------------------------------------------------
    def _filter_ids(self, name, user, today=None):
        """Ids of the pool-test customers matched by the search filter ``name``, on ``today``."""
        today = today or fields.Date.context_today(self.env["res.partner"])
        Partner = self.env["res.partner"].with_user(user)
        arch = etree.fromstring(Partner.get_views([(False, "search")])["views"]["search"]["arch"])
        (node,) = arch.xpath(f"//filter[@name='{name}']")
        domain = safe_eval(
            node.get("domain"),
            {"uid": user.id, "context_today": lambda: today, "relativedelta": relativedelta},
        )
        customers = self.pool_customer | self.other_pool_customer | self.own_customer
        return set(Partner.search(domain + [("id", "in", customers.ids)]).ids)

    def test_pool_filters(self):
        user = self.salesperson
        self.assertEqual(
            self._filter_ids("crm_in_pool", user), {self.pool_customer.id, self.other_pool_customer.id}
        )
        self.assertEqual(self._filter_ids("crm_owned", user), {self.own_customer.id})
        self.assertEqual(self._filter_ids("crm_never_contacted", user), {self.own_customer.id})
        self.assertEqual(self._filter_ids("crm_is_locked", user), set())
        self.own_customer.with_user(user).action_crm_lock()
        self.assertEqual(self._filter_ids("crm_is_locked", user), {self.own_customer.id})

    def test_followup_and_expiring_filters(self):
        """Due follow-ups show from their day on; an ownership ending within 7 days is expiring."""
        user = self.salesperson
        today = fields.Date.context_today(self.env["res.partner"])
        self.assertTrue(self.own_customer.next_followup_date)
        self.assertTrue(self.own_customer.ownership_deadline)
        self.assertEqual(self._filter_ids("crm_my_followups", user, today), set())
        due = self.own_customer.next_followup_date
        self.assertEqual(self._filter_ids("crm_my_followups", user, due), {self.own_customer.id})
        self.assertEqual(self._filter_ids("crm_my_followups", self.colleague, due), set())

        deadline = self.own_customer.ownership_deadline.date()
        self.assertEqual(self._filter_ids("crm_expiring_soon", user, today), set())
        self.assertEqual(
            self._filter_ids("crm_expiring_soon", user, deadline - timedelta(days=6)), {self.own_customer.id}
        )

    # ------------------------------------------------------------------
    # Pool configuration
    # ------------------------------------------------------------------
    def test_manager_configures_pool(self):
        stage = self.env.ref("crm_lifecycle.stage_customer")
        with Form(self.env["crm.pool"].with_user(self.sales_manager)) as pool_form:
            pool_form.name = "Key Accounts"
            pool_form.max_owned = 50
            with pool_form.level_ids.new() as level:
                level.lifecycle_stage_id = stage
                level.no_contact_days = 90
        pool = pool_form.record
        self.assertEqual(pool.level_ids.lifecycle_stage_id, stage)
        self.assertEqual(pool.level_ids.no_contact_days, 90)
        with self.assertRaises(AccessError):
            self.env["crm.pool"].with_user(self.salesperson).create({"name": "Mine Only"})

    def test_pool_stat_buttons(self):
        pool = self.pool.with_user(self.sales_manager)
        self.assertEqual(pool.pool_partner_count, 2)
        self.assertEqual(pool.owned_partner_count, 1)
        in_pool = pool.with_context(crm_pool_state="pool").action_open_partners()
        owned = pool.with_context(crm_pool_state="owned").action_open_partners()
        Partner = self.env["res.partner"].with_user(self.sales_manager)
        self.assertEqual(Partner.search(in_pool["domain"]), self.pool_customer | self.other_pool_customer)
        self.assertEqual(Partner.search(owned["domain"]), self.own_customer)

    # ------------------------------------------------------------------
    # Owners and limits report
    # ------------------------------------------------------------------
    def _report_rows(self, user):
        # a SQL view: write the changes to the tables, forget the rows read before
        self.env.flush_all()
        self.env["crm.pool.owner.report"].invalidate_model()
        return self.env["crm.pool.owner.report"].with_user(user).search([("pool_id", "=", self.pool.id)])

    def test_owner_report_counts(self):
        self.pool_customer.with_user(self.salesperson).action_crm_claim()
        self.own_customer.with_user(self.salesperson).action_crm_lock()
        self.other_pool_customer.with_user(self.colleague).action_crm_claim()
        self.other_pool_customer.with_user(self.colleague).action_crm_release("Not my region")

        row = self._report_rows(self.sales_manager).filtered(lambda row: row.user_id == self.salesperson)
        self.assertRecordValues(
            row,
            [
                {
                    "owned_count": 2,
                    "locked_count": 1,
                    "max_owned": 3,
                    "max_locked": 1,
                    "owned_left": 1,
                    "claims_today": 1,
                    "claims_recent": 1,
                    "releases_recent": 0,
                    "max_claims_per_day": 5,
                    "at_limit": False,
                    "company_id": self.pool.company_id.id,
                }
            ],
        )
        rows = self._report_rows(self.sales_manager)
        colleague_row = rows.filtered(lambda row: row.user_id == self.colleague)
        self.assertRecordValues(
            colleague_row,
            [{"owned_count": 0, "claims_today": 1, "claims_recent": 1, "releases_recent": 1}],
        )
        self.pool.max_owned = 2
        row = self._report_rows(self.sales_manager).filtered(lambda row: row.user_id == self.salesperson)
        self.assertTrue(row.at_limit)

    def test_owner_report_rows_by_role(self):
        """Salespeople see their own row only; managers see everyone's."""
        self.pool_customer.with_user(self.colleague).action_crm_claim()
        self.assertEqual(self._report_rows(self.salesperson).user_id, self.salesperson)
        self.assertEqual(self._report_rows(self.colleague).user_id, self.colleague)
        self.assertEqual(self._report_rows(self.sales_manager).user_id, self.salesperson | self.colleague)
        # the groupings of the pivot and the graph
        groups = (
            self.env["crm.pool.owner.report"]
            .with_user(self.sales_manager)
            ._read_group([("pool_id", "=", self.pool.id)], ["pool_id"], ["owned_count:sum", "max_owned:max"])
        )
        self.assertEqual(groups, [(self.pool, 2, 3)])

    def test_owner_report_multi_company(self):
        """Rows follow the pool's company: a manager sees those of the companies enabled."""
        other_company = self.env["res.company"].create({"name": "Other Pool Company"})
        other_pool = self.env["crm.pool"].create(
            {"name": "Other Company Pool", "company_id": other_company.id}
        )
        self.env["res.partner"].with_context(crm_lifecycle_managed=True).create(
            {
                "name": "Abroad Ltd",
                "is_company": True,
                "company_id": other_company.id,
                "crm_pool_id": other_pool.id,
                "user_id": self.sales_manager.id,
            }
        )
        self.env.flush_all()
        Report = self.env["crm.pool.owner.report"].with_user(self.sales_manager)
        self.assertFalse(Report.search([("pool_id", "=", other_pool.id)]))
        self.sales_manager.write({"company_ids": [Command.link(other_company.id)]})
        self.assertEqual(Report.search([("pool_id", "=", other_pool.id)]).owned_count, 1)
        main_only = Report.with_context(allowed_company_ids=self.sales_manager.company_id.ids)
        self.assertFalse(main_only.search([("pool_id", "=", other_pool.id)]))


@tagged("post_install", "-at_install")
class TestPoolUiBrowser(HttpCase):
    """The pool screens render in the web client without errors."""

    # waits for ``selector`` in the page, then reports success
    WAIT_FOR = """
        const deadline = Date.now() + 20000;
        const wait = () => {
            if (document.querySelector(%r)) {
                console.log("test successful");
            } else if (Date.now() > deadline) {
                console.error("not shown: " + %r);
            } else {
                setTimeout(wait, 100);
            }
        };
        wait();
    """

    def _assert_shows(self, url, selector, login):
        self.browser_js(url, self.WAIT_FOR % (selector, selector), login=login)

    def test_pool_screens_render(self):
        salesman = self.env.ref("sales_team.group_sale_salesman")
        manager = self.env.ref("sales_team.group_sale_manager")
        Users = self.env["res.users"].with_context(no_reset_password=True)
        for login, group in (("pool_ui_seller", salesman), ("pool_ui_manager", manager)):
            Users.create(
                {"name": login, "login": login, "password": login, "groups_id": [Command.set(group.ids)]}
            )
        customer = (
            self.env["res.partner"]
            .with_context(crm_lifecycle_managed=True)
            .create({"name": "Browser Pool Ltd", "is_company": True})
        )
        self.assertEqual(customer.crm_pool_state, "pool")
        self._assert_shows(
            "/odoo/action-crm_lifecycle.crm_pool_partner_action",
            ".o_list_renderer .o_data_row",
            "pool_ui_seller",
        )
        self._assert_shows(
            f"/odoo/action-crm_lifecycle.crm_pool_partner_action/{customer.id}",
            ".o_form_view button[name='action_crm_claim']",
            "pool_ui_seller",
        )
        self._assert_shows(
            "/odoo/action-crm_lifecycle.crm_my_followup_action?view_type=kanban",
            ".o_kanban_renderer",
            "pool_ui_seller",
        )
        self._assert_shows(
            "/odoo/action-crm_lifecycle.crm_pool_owner_report_action", ".o_list_renderer", "pool_ui_seller"
        )
        pool = customer.crm_pool_id
        self._assert_shows(
            f"/odoo/action-crm_lifecycle.crm_pool_action/{pool.id}",
            ".o_form_view button[name='action_open_partners']",
            "pool_ui_manager",
        )
        self._assert_shows(
            "/odoo/action-crm_lifecycle.crm_pool_event_action", ".o_graph_renderer", "pool_ui_manager"
        )
