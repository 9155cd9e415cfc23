from odoo import http
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestSuggestionPortal(HttpCase):
    """Customers see their own suggestions and the published ones, never who else asked or what
    they said; they vote and submit; a duplicate's page leads to the kept suggestion."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.alpha = Partner.create({"name": "Sugg Portal Alpha", "is_company": True})
        cls.alpha_ann = Partner.create(
            {"name": "Ann Alpha", "parent_id": cls.alpha.id, "email": "ann@alpha.example.com"}
        )
        cls.beta = Partner.create({"name": "Sugg Portal Beta", "is_company": True})
        cls.beta_ben = Partner.create(
            {"name": "Ben Beta", "parent_id": cls.beta.id, "email": "ben@beta.example.com"}
        )
        cls.ann = new_test_user(
            cls.env,
            login="sugg_portal_ann",
            password="sugg_portal_ann",
            groups="base.group_portal",
            partner_id=cls.alpha_ann.id,
        )
        cls.ben = new_test_user(
            cls.env,
            login="sugg_portal_ben",
            password="sugg_portal_ben",
            groups="base.group_portal",
            partner_id=cls.beta_ben.id,
        )
        cls.Suggestion = cls.env["crm.suggestion"]
        # the suggestions the demo data published are not these tests' business
        cls.Suggestion.search([("portal_published", "=", True)]).portal_published = False
        cls.Vote = cls.env["crm.suggestion.vote"]
        cls.alpha_own = cls.Suggestion.create({"name": "Alpha wants blue lids"})
        cls.Vote.create(
            {"suggestion_id": cls.alpha_own.id, "partner_id": cls.alpha.id, "comment": "Alpha secret remark"}
        )
        cls.beta_own = cls.Suggestion.create({"name": "Beta wants green lids"})
        cls.Vote.create(
            {"suggestion_id": cls.beta_own.id, "partner_id": cls.beta.id, "comment": "Beta secret remark"}
        )
        cls.published = cls.Suggestion.create(
            {
                "name": "Published lid colours",
                "portal_published": True,
                "description": "<p>Lids in colours</p>",
            }
        )
        cls.Vote.create(
            {
                "suggestion_id": cls.published.id,
                "partner_id": cls.beta.id,
                "contact_id": cls.beta_ben.id,
                "comment": "Beta public remark",
            }
        )

    def csrf(self):
        return http.Request.csrf_token(self)

    def test_isolation_between_customers(self):
        self.authenticate(self.ann.login, self.ann.login)
        page = self.url_open("/my/suggestions").text
        self.assertIn("Alpha wants blue lids", page)
        self.assertIn("Published lid colours", page)
        self.assertNotIn("Beta wants green lids", page)
        hidden = self.url_open(f"/my/suggestions/{self.beta_own.id}", allow_redirects=False)
        self.assertEqual(hidden.status_code, 303)
        self.assertTrue(hidden.headers["Location"].endswith("/my"))
        detail = self.url_open(f"/my/suggestions/{self.published.id}").text
        self.assertIn("Lids in colours", detail)
        for secret in ("Sugg Portal Beta", "Ben Beta", "Beta public remark"):
            self.assertNotIn(secret, detail)
        own = self.url_open(f"/my/suggestions/{self.alpha_own.id}").text
        self.assertIn("Alpha secret remark", own)
        # no vote on a suggestion the customer may not see
        self.url_open(
            f"/my/suggestions/{self.beta_own.id}/vote", data={"comment": "sneaky", "csrf_token": self.csrf()}
        )
        self.assertEqual(self.beta_own.vote_ids.partner_id, self.beta)
        # no access to the records outside the routes
        self.assertFalse(self.env["crm.suggestion"].with_user(self.ann).has_access("read"))
        # the home counter
        self.assertEqual(
            self.make_jsonrpc_request("/my/counters", {"counters": ["suggestion_count"]})["suggestion_count"],
            2,
        )
        # the portal closed by the company
        self.env.company.crm_service_portal = False
        self.assertTrue(
            self.url_open("/my/suggestions", allow_redirects=False).headers["Location"].endswith("/my")
        )

    def test_vote_submit_and_duplicate_page(self):
        self.authenticate(self.ann.login, self.ann.login)
        self.url_open(
            f"/my/suggestions/{self.published.id}/vote",
            data={"comment": "Red please", "csrf_token": self.csrf()},
        )
        vote = self.published.vote_ids.filtered(lambda vote: vote.partner_id == self.alpha)
        self.assertEqual(
            (vote.contact_id, vote.channel, vote.comment), (self.alpha_ann, "portal", "Red please")
        )
        # voting again changes the comment, no second vote
        self.url_open(
            f"/my/suggestions/{self.published.id}/vote",
            data={"comment": "Dark red", "csrf_token": self.csrf()},
        )
        self.assertEqual(self.published.vote_count, 2)
        self.assertEqual(vote.comment, "Dark red")
        response = self.url_open(
            "/my/suggestions/submit",
            data={
                "name": "Alpha wants softer hinges",
                "description": "They squeak",
                "csrf_token": self.csrf(),
            },
        )
        submitted = self.Suggestion.search([("name", "=", "Alpha wants softer hinges")])
        self.assertEqual(len(submitted), 1)
        self.assertEqual((submitted.state, submitted.portal_published), ("new", False))
        self.assertEqual(submitted.vote_ids.partner_id, self.alpha)
        self.assertIn("They squeak", submitted.description)
        self.assertIn("Alpha wants softer hinges", response.text)
        # an empty name is refused with a message
        refused = self.url_open("/my/suggestions/submit", data={"name": " ", "csrf_token": self.csrf()})
        self.assertIn("error=name", refused.url)
        # Ben does not see Alpha's suggestion
        self.authenticate(self.ben.login, self.ben.login)
        self.assertNotIn("softer hinges", self.url_open("/my/suggestions").text)
        # merged into the published one: Ann's old page leads there
        manager = new_test_user(
            self.env, login="sugg_portal_manager", groups="crm_service.group_crm_service_manager"
        )
        self.published.with_user(manager)._crm_merge(self.alpha_own.with_user(manager))
        self.authenticate(self.ann.login, self.ann.login)
        moved = self.url_open(f"/my/suggestions/{self.alpha_own.id}")
        self.assertTrue(moved.url.endswith(f"/my/suggestions/{self.published.id}?merged=1"))
        self.assertIn("was merged into this one", moved.text)
        self.assertNotIn("Alpha wants blue lids", self.url_open("/my/suggestions").text)

    def test_tour_customer_votes_then_is_told_when_it_ships(self):
        fan = self.Suggestion.create({"name": "Tour quieter fan", "portal_published": True})
        self.start_tour("/my/suggestions", "crm_service_suggestion_portal_tour", login=self.ann.login)
        vote = fan.vote_ids
        self.assertEqual(
            (vote.partner_id, vote.contact_id, vote.comment),
            (self.alpha, self.alpha_ann, "Our office is small and the fan is loud."),
        )
        submitted = self.Suggestion.search([("name", "=", "Tour dimmable display")])
        self.assertEqual(submitted.vote_ids.contact_id, self.alpha_ann)
        # the manager ships it: the customer is told through the mail queue
        manager = new_test_user(
            self.env, login="sugg_tour_manager", groups="crm_service.group_crm_service_manager"
        )
        fan.with_user(manager).write(
            {"state": "in_progress", "decision_note": "<p>The silent fan ships in release 7.</p>"}
        )
        fan.with_user(manager).action_ship()
        self.assertTrue(vote.notified_date)
        mail = self.env["mail.mail"].search([("model", "=", "crm.suggestion.vote"), ("res_id", "=", vote.id)])
        self.assertEqual((mail.recipient_ids, mail.state), (self.alpha_ann, "outgoing"))
        self.assertIn("The silent fan ships in release 7.", mail.body_html)
        self.start_tour("/my/suggestions", "crm_service_suggestion_shipped_tour", login=self.ann.login)


@tagged("post_install", "-at_install")
class TestSuggestionBackendTours(HttpCase):
    def test_agent_plans_and_ships_from_the_pipeline(self):
        agent = new_test_user(
            self.env,
            login="sugg_tour_agent",
            password="sugg_tour_agent",
            groups="crm_service.group_crm_service_user",
            tz="UTC",
        )
        customer = self.env["res.partner"].create(
            {"name": "Sugg Tour Office", "is_company": True, "email": "office@sugg.example.com"}
        )
        suggestion = self.env["crm.suggestion"].create({"name": "Tour agent idea: cable tray"})
        vote = self.env["crm.suggestion.vote"].create(
            {"suggestion_id": suggestion.id, "partner_id": customer.id}
        )

        self.start_tour("/odoo", "crm_service_suggestion_agent_tour", login=agent.login)

        self.assertEqual(suggestion.state, "shipped")
        self.assertIn("The cable tray ships with every desk from today.", suggestion.decision_note)
        self.assertTrue(vote.notified_date)
        mail = self.env["mail.mail"].search([("model", "=", "crm.suggestion.vote"), ("res_id", "=", vote.id)])
        self.assertEqual(mail.recipient_ids, customer)
        self.assertIn("The cable tray ships with every desk from today.", mail.body_html)

    def test_salesperson_logs_from_the_customer_form(self):
        salesperson = new_test_user(
            self.env,
            login="sugg_tour_sales",
            password="sugg_tour_sales",
            groups="sales_team.group_sale_salesman",
            tz="UTC",
        )
        customer = self.env["res.partner"].create({"name": "Sugg Tour Walnut Ltd", "is_company": True})

        self.start_tour(
            f"/odoo/action-crm_lifecycle.crm_lifecycle_partner_action/{customer.id}",
            "crm_service_suggestion_log_tour",
            login=salesperson.login,
        )

        suggestion = self.env["crm.suggestion"].search([("name", "=", "Tour logged idea: darker wood")])
        self.assertEqual(len(suggestion), 1)
        self.assertEqual(
            (suggestion.vote_ids.partner_id, suggestion.vote_ids.comment),
            (customer, "Walnut would match our offices."),
        )
