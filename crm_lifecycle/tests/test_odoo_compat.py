"""Behaviours of Odoo that Odoo's own tests check, kept with the suite installed
(see "Odoo's own tests" in the README and ``make test-odoo``)."""

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import Form, new_test_user, tagged

from .common import CrmSuiteCase
from .common_pool import T0, PoolCase


@tagged("post_install", "-at_install")
class TestDocumentReadersSeeOwnDocuments(CrmSuiteCase):
    """A salesperson reads the customer of their own order, and no more of that customer's
    documents than Odoo shows them (sale.tests.test_sale_order_cancel)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other = cls.env["res.users"].create(
            {
                "name": "Olga Other",
                "login": "crm_compat_other",
                "groups_id": [Command.set(cls.env.ref("sales_team.group_sale_salesman").ids)],
            }
        )
        cls.customer = cls.env["res.partner"].create({"name": "Compat Customer", "is_company": True})
        cls.manager_order, cls.own_order = cls.env["sale.order"].create(
            [
                {"partner_id": cls.customer.id, "user_id": cls.sales_manager.id},
                {"partner_id": cls.customer.id, "user_id": cls.salesperson.id},
            ]
        )
        cls.manager_opportunity, cls.own_opportunity = cls.env["crm.lead"].create(
            [
                {
                    "name": name,
                    "type": "opportunity",
                    "partner_id": cls.customer.id,
                    "user_id": user.id,
                }
                for name, user in (("Manager's deal", cls.sales_manager), ("Own deal", cls.salesperson))
            ]
        )
        # owned by the manager: the salesperson reads it through their own order only
        cls.customer.user_id = cls.sales_manager
        cls.template = cls.env["mail.template"].create(
            {
                "name": "Cancellation counting orders",
                "model_id": cls.env["ir.model"]._get_id("sale.order"),
                "subject": "I can see {{ len(object.partner_id.sale_order_ids) }} order(s)",
                "body_html": 'I can see <t t-out="len(object.partner_id.sale_order_ids)"/> order(s)',
            }
        )
        cls.env.invalidate_all()

    def test_cancellation_mail_counts_only_own_orders(self):
        self.assertEqual(self.customer.user_id, self.sales_manager)
        cancel = (
            self.env["sale.order.cancel"]
            .with_user(self.salesperson)
            .create({"template_id": self.template.id, "order_id": self.own_order.id})
        )
        self.assertEqual(cancel.subject, "I can see 1 order(s)")
        self.assertEqual(cancel.body, "<p>I can see 1 order(s)</p>")

    def test_customer_read_through_own_order_caches_no_others_documents(self):
        customer = self.customer.with_user(self.salesperson)
        self.assertEqual(customer.name, "Compat Customer")  # the rule of the documents lets it read
        self.assertEqual(customer.sale_order_ids, self.own_order)
        self.assertEqual(customer.opportunity_ids, self.own_opportunity)
        self.assertIn(self.salesperson, self.customer.crm_document_user_ids)
        self.assertIn(self.sales_manager, self.customer.crm_document_user_ids)

    def test_salesperson_without_document_does_not_read_the_customer(self):
        with self.assertRaises(AccessError):
            self.customer.with_user(self.other).check_access("read")
        search = self.env["res.partner"].with_user(self.other).search([("id", "=", self.customer.id)])
        self.assertFalse(search)
        self.assertEqual(
            self.env["res.partner"].with_user(self.salesperson).search([("id", "=", self.customer.id)]),
            self.customer,
        )


@tagged("post_install", "-at_install")
class TestLeadHooksQueries(PoolCase):
    """Odoo converts and assigns leads one write at a time (crm.tests.test_performances,
    test_crm_lead_convert_mass count the queries): the suite's hooks add none where
    there is nothing to do."""

    def test_leads_without_customer_cost_no_query(self):
        leads = self.env["crm.lead"].create([{"name": f"Lead {index}", "type": "lead"} for index in range(5)])
        self.env.flush_all()
        with self.assertQueryCount(0):
            leads._crm_lifecycle_on_lead()

    def test_pool_customers_have_no_schedule_to_refresh(self):
        customers = self.make_customers("Pooled", 5)
        customers.mapped("crm_pool_state")  # in the cache, as after the stage write of a lead
        self.env.flush_all()
        with self.assertQueryCount(0):
            self.env["res.partner"]._crm_refresh_schedule(partners=customers)
        # an owned customer is refreshed: its deadline is set
        owned = self.make_customer("Owned Optics", user=self.salesperson)
        owned.ownership_deadline = False
        self.env["res.partner"]._crm_refresh_schedule(partners=owned)
        self.assertTrue(owned.ownership_deadline)


@tagged("post_install", "-at_install")
class TestBranchCompanyQuotation(PoolCase):
    """A sales manager logged into a branch company quotes a customer of the parent company's
    pool and opens the product catalog, as the administrator of Odoo's branch company tour does
    (sale.tests.test_sale_order_product_catalog): the parent's pool is not among the companies
    the user works in, yet the pool's limits are read, the quotation is saved and the customer
    assigned to the manager, who may then lock it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.parent = cls.env.company
        cls.branch = cls.env["res.company"].create({"name": "Pool Branch", "parent_id": cls.parent.id})
        cls.branch_manager = new_test_user(
            cls.env,
            login="crm_branch_manager",
            name="Brenda Branch",
            groups="sales_team.group_sale_manager",
            company_id=cls.branch.id,
            company_ids=[Command.set((cls.parent | cls.branch).ids)],
            tz="UTC",
        )

    @freeze_time(T0)
    def test_branch_manager_quotes_and_locks_parent_pool_customer(self):
        customer = self.make_customer("Parent Pool Pumps")
        self.assertEqual(customer.crm_pool_id.company_id, self.parent)
        self.assertFalse(customer.company_id)  # shared: offered to the branch's quotations
        # the web client of a user logged into the branch: only the branch is active
        env = self.env(
            user=self.branch_manager, context=dict(self.env.context, allowed_company_ids=self.branch.ids)
        )
        with Form(env["sale.order"]) as form:
            form.partner_id = customer
        order = form.record
        self.assertEqual(order.company_id, self.branch)
        action = order.action_add_from_catalog()
        self.assertEqual(action["res_model"], "product.product")
        self.assertEqual(customer.user_id, self.branch_manager)
        self.assertEqual(customer.crm_pool_state, "owned")
        self.assertEqual(customer.lifecycle_stage_id, self.stages["opportunity"])
        event = self.events(customer, "assign")
        self.assertEqual(event.trigger, "quotation")
        self.assertEqual(event.user_id, self.branch_manager)
        # the event names the limits of the parent's pool the assignment went over (none here)
        self.assertFalse(event.reason)
        # now its owner, the manager locks it from the branch, under the parent pool's limit
        customer.with_env(env).action_crm_lock()
        self.assertTrue(customer.crm_locked)
