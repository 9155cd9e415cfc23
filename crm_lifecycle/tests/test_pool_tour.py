from odoo import Command, fields
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestPoolTour(HttpCase):
    """A salesperson claims a customer in the Public Pool, logs a call and releases it."""

    def setUp(self):
        super().setUp()
        Users = self.env["res.users"].with_context(no_reset_password=True)
        salesman = self.env.ref("sales_team.group_sale_salesman")
        self.salesperson = Users.create(
            {
                "name": "Pool Tour Seller",
                "login": "pool_tour_sales",
                "password": "pool_tour_sales",
                # the chatter refuses notes from an author without an email address
                "email": "pool_tour_sales@example.com",
                "tz": "UTC",
                "groups_id": [Command.set(salesman.ids)],
            }
        )
        self.previous_owner = Users.create(
            {
                "name": "Tour Previous Owner",
                "login": "pool_tour_previous",
                "groups_id": [Command.set(salesman.ids)],
            }
        )
        self.pool = self.env.ref("crm_lifecycle.crm_pool_default")
        self.customer = self.env["res.partner"].create(
            {
                "name": "Tour Pool Trading Ltd",
                "is_company": True,
                "lifecycle_stage_id": self.env.ref("crm_lifecycle.stage_pool").id,
                "crm_pool_id": self.pool.id,
                "user_id": False,
                "previous_owner_id": self.previous_owner.id,
                "crm_released_by_id": self.previous_owner.id,
                "crm_released_date": fields.Datetime.now(),
                "crm_release_reason": "Moved to another supplier",
            }
        )

    def test_salesperson_claims_logs_a_call_and_releases(self):
        customer = self.customer
        self.assertEqual((customer.crm_pool_state, customer.crm_pool_id), ("pool", self.pool))
        self.assertEqual(customer.previous_owner_id, self.previous_owner)
        self.assertFalse(customer.last_contact_date)

        self.start_tour("/odoo", "crm_pool_tour", login=self.salesperson.login)

        self.env.invalidate_all()
        events = self.env["crm.partner.event"].search([("partner_id", "=", customer.id)], order="id")
        claim = events.filtered(lambda event: event.event_type == "claim")
        self.assertEqual(len(claim), 1)
        self.assertEqual(
            (claim.user_id, claim.to_user_id, claim.trigger), (self.salesperson, self.salesperson, "manual")
        )
        release = events.filtered(lambda event: event.event_type == "release")
        self.assertEqual(len(release), 1)
        self.assertEqual(
            (release.user_id, release.from_user_id, release.trigger, release.reason),
            (self.salesperson, self.salesperson, "manual", "Not interested this year"),
        )
        self.assertLess(claim.id, release.id)
        # the call counted as a contact
        self.assertTrue(customer.last_contact_date)
        self.assertTrue(
            customer.message_ids.filtered(
                lambda message: "Call: Asked for the spring catalogue" in (message.body or "")
            )
        )
        # back in the pool, released by the salesperson
        self.assertFalse(customer.user_id)
        self.assertEqual((customer.crm_pool_state, customer.crm_pool_id), ("pool", self.pool))
        self.assertEqual(customer.previous_owner_id, self.salesperson)
        self.assertEqual(customer.crm_released_by_id, self.salesperson)
        self.assertEqual(customer.crm_release_reason, "Not interested this year")
