from datetime import datetime

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common_pool import PoolCase


@tagged("post_install", "-at_install")
class TestCustomerCheckLog(PoolCase):
    """Check Customer cannot be used to harvest the customer base: every lookup is logged for
    the managers, and a salesperson makes a limited number of them a day."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.crm_check_daily_limit = 3
        cls.salesperson.tz = "Europe/Warsaw"
        cls.acme = cls.make_customer("ACME Harvest Sp. z o.o.", user=cls.colleague)
        cls.Log = cls.env["crm.customer.check.log"]

    def check(self, user, query):
        wizard = self.env["crm.customer.check"].with_user(user).create({"query": query})
        wizard.action_check()
        return wizard

    def logs(self, user):
        return self.Log.search([("user_id", "=", user.id)], order="id")

    def test_each_lookup_is_logged_with_its_user_query_and_matches(self):
        with freeze_time("2026-03-02 09:00:00"):
            found = self.check(self.salesperson, "  ACME HARVEST  ")
            free = self.check(self.salesperson, "Nobody Knows Ltd")
        self.assertEqual(found.state, "found")
        self.assertEqual(free.state, "free")
        self.assertRecordValues(
            self.logs(self.salesperson),
            [
                {
                    "user_id": self.salesperson.id,
                    "company_id": self.company.id,
                    "query": "ACME HARVEST",
                    "match_count": 1,
                },
                {
                    "user_id": self.salesperson.id,
                    "company_id": self.company.id,
                    "query": "Nobody Knows Ltd",
                    "match_count": 0,
                },
            ],
        )
        self.assertEqual(self.logs(self.salesperson).mapped("date"), [datetime(2026, 3, 2, 9, 0)] * 2)
        # the salesperson reads their own lookups
        own = self.Log.with_user(self.salesperson).search([])
        self.assertEqual(own, self.logs(self.salesperson))

    def test_limit_refuses_the_next_lookup_until_midnight_in_the_users_time_zone(self):
        # 10:00 in Warsaw
        with freeze_time("2026-03-02 09:00:00"):
            for query in ("First Try Ltd", "Second Try Ltd", "ACME Harvest"):
                self.check(self.salesperson, query)
            wizard = (
                self.env["crm.customer.check"].with_user(self.salesperson).create({"query": "Fourth Ltd"})
            )
            with self.assertRaisesText(UserError, "3 customer checks") as caught:
                wizard.action_check()
            # it says when it resets (midnight in Warsaw is 23:00 UTC) and whom to ask
            message = str(caught.exception)
            self.assertIn("03/03/2026 00:00", message)
            self.assertIn("sales manager", message)
            # a refused lookup changes nothing: no log row, no answer
            self.assertEqual(len(self.logs(self.salesperson)), 3)
            self.assertEqual(wizard.state, "draft")
            self.assertFalse(wizard.result_ids)
            # another salesperson has lookups of their own
            self.check(self.colleague, "ACME Harvest")
        # 23:30 in Warsaw: still the same day
        with freeze_time("2026-03-02 22:30:00"), self.assertRaises(UserError):
            wizard.action_check()
        # 00:30 in Warsaw (still the 2nd in UTC): a new day
        with freeze_time("2026-03-02 23:30:00"):
            wizard.action_check()
        self.assertEqual(wizard.state, "free")
        self.assertEqual(len(self.logs(self.salesperson)), 4)

    def test_managers_are_not_limited_and_zero_means_no_limit(self):
        self.company.crm_check_daily_limit = 1
        with freeze_time("2026-03-02 09:00:00"):
            for query in ("First Try Ltd", "Second Try Ltd", "ACME Harvest"):
                self.check(self.sales_manager, query)
            self.assertEqual(len(self.logs(self.sales_manager)), 3, "logged all the same")
            self.check(self.salesperson, "First Try Ltd")
            with self.assertRaises(UserError):
                self.check(self.salesperson, "Second Try Ltd")
            self.company.crm_check_daily_limit = 0
            self.check(self.salesperson, "Second Try Ltd")
            self.check(self.salesperson, "Third Try Ltd")
        self.assertEqual(len(self.logs(self.salesperson)), 3)

    def test_lookups_are_counted_per_company(self):
        other = self.env["res.company"].create({"name": "Harvest Other Company", "crm_check_daily_limit": 1})
        self.salesperson.write({"company_ids": [Command.link(other.id)]})
        with freeze_time("2026-03-02 09:00:00"):
            for query in ("First Try Ltd", "Second Try Ltd", "Third Try Ltd"):
                self.check(self.salesperson, query)
            Check = self.env["crm.customer.check"].with_user(self.salesperson).with_company(other)
            Check.create({"query": "First Try Ltd"}).action_check()
            with self.assertRaisesText(UserError, "Harvest Other Company"):
                Check.create({"query": "Second Try Ltd"}).action_check()
        self.assertEqual(self.logs(self.salesperson).company_id, self.company | other)

    def test_only_the_system_writes_the_log_and_salespeople_read_their_own(self):
        with freeze_time("2026-03-02 09:00:00"):
            self.check(self.salesperson, "ACME Harvest")
            self.check(self.colleague, "ACME Harvest")
        own, colleagues = self.logs(self.salesperson), self.logs(self.colleague)
        as_salesperson = self.Log.with_user(self.salesperson)
        with self.assertRaises(AccessError):
            as_salesperson.create(
                {"user_id": self.salesperson.id, "company_id": self.company.id, "query": "x"}
            )
        with self.assertRaises(AccessError):
            own.with_user(self.salesperson).write({"query": "something else"})
        with self.assertRaises(AccessError):
            own.with_user(self.salesperson).unlink()
        self.assertFalse(as_salesperson.search([("id", "in", colleagues.ids)]))
        with self.assertRaises(AccessError):
            colleagues.with_user(self.salesperson).read(["query"])
        self.assertEqual(own.query, "ACME Harvest")
        # managers read every lookup, and change none
        as_manager = self.Log.with_user(self.sales_manager)
        self.assertEqual(as_manager.search([("id", "in", (own | colleagues).ids)]), own | colleagues)
        with self.assertRaises(AccessError):
            colleagues.with_user(self.sales_manager).write({"match_count": 0})
        with self.assertRaises(AccessError):
            colleagues.with_user(self.sales_manager).unlink()
        # the lookups of another company stay there
        other = self.env["res.company"].create({"name": "Harvest Hidden Company"})
        hidden = self.Log.create({"user_id": self.colleague.id, "company_id": other.id, "query": "x"})
        self.assertFalse(as_manager.search([("id", "=", hidden.id)]))

    def test_managers_find_the_log_in_reporting(self):
        self.check(self.salesperson, "ACME Harvest")
        self.assertMenuOpens(self.sales_manager, "crm_lifecycle.crm_customer_check_log_menu")
        self.assertMenuHidden(self.salesperson, "crm_lifecycle.crm_customer_check_log_menu")
        self.assertEqual(
            self.Log.with_user(self.sales_manager)._read_group(
                [("user_id", "=", self.salesperson.id)], ["user_id"], ["match_count:sum", "__count"]
            ),
            [(self.salesperson, 1, 1)],
        )

    def test_daily_limit_in_the_settings(self):
        company = self.assertSettingsBlock("crm_lifecycle_setting_container", "crm_check_daily_limit", 25)
        self.assertEqual(company.crm_check_daily_limit, 25)
        self.assertEqual(
            self.env["res.company"].create({"name": "Harvest New Company"}).crm_check_daily_limit, 200
        )
        with self.assertRaises(ValidationError):
            company.crm_check_daily_limit = -1
