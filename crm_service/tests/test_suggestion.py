from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .suggestion_common import SuggestionCase


@tagged("post_install", "-at_install")
class TestSuggestion(SuggestionCase):
    """Votes, weighted value, merge and the notification of every requester."""

    def test_one_vote_per_customer_with_a_clear_message(self):
        suggestion = self.make_suggestion("Sugg export to CSV", votes=[self.acme_anna])
        self.assertEqual((suggestion.vote_count, suggestion.vote_ids.partner_id), (1, self.acme))
        # another contact of the same customer: the customer asked already
        with self.assertRaisesText(
            ValidationError, "Sugg Acme already asked for the suggestion Sugg export to CSV on"
        ):
            self.Vote.with_user(self.agent).create(
                {"suggestion_id": suggestion.id, "partner_id": self.acme.id, "contact_id": self.acme_bert.id}
            )
        # two votes of one customer in one batch
        with self.assertRaisesText(ValidationError, "Sugg Bistro already asked"):
            self.Vote.with_user(self.agent).create(
                [
                    {"suggestion_id": suggestion.id, "partner_id": self.bistro.id},
                    {"suggestion_id": suggestion.id, "partner_id": self.bistro.id},
                ]
            )
        # the requester is the company; a contact goes to the contact field
        with self.assertRaisesText(ValidationError, "must be the customer company"):
            self.Vote.with_user(self.agent).create(
                {"suggestion_id": suggestion.id, "partner_id": self.bistro_claire.id}
            )
        with self.assertRaisesText(ValidationError, "is not a contact of Sugg Cargo"):
            self.Vote.with_user(self.agent).create(
                {
                    "suggestion_id": suggestion.id,
                    "partner_id": self.cargo.id,
                    "contact_id": self.bistro_claire.id,
                }
            )
        self.Vote.with_user(self.agent).create(
            {"suggestion_id": suggestion.id, "contact_id": self.bistro_claire.id}
        )
        self.assertEqual(suggestion.vote_ids.partner_id, self.acme | self.bistro)
        self.assertEqual(suggestion.vote_count, 2)

    def test_weighted_value_sums_period_revenue_of_requesters_in_the_company(self):
        Score = self.env["crm.value.score"]
        other_company = self.env["res.company"].create({"name": "Sugg Other Company"})
        company = self.env.company
        acme_score = Score.create(
            {"partner_id": self.acme.id, "company_id": company.id, "revenue_period": 1200.5}
        )
        Score.create({"partner_id": self.bistro.id, "company_id": company.id, "revenue_period": 300.25})
        # the revenue in another company does not count
        Score.create({"partner_id": self.acme.id, "company_id": other_company.id, "revenue_period": 9999.0})
        suggestion = self.make_suggestion(
            "Sugg weighted", votes=[self.acme_anna, self.bistro_claire, self.cargo]
        )
        self.assertAlmostEqual(suggestion.weighted_value, 1500.75, places=2)
        alone = self.make_suggestion("Sugg weighted alone", votes=[self.cargo])
        self.assertEqual(alone.weighted_value, 0.0)
        # a vote removed: recomputed
        suggestion.vote_ids.filtered(lambda vote: vote.partner_id == self.bistro).with_user(
            self.service_manager
        ).unlink()
        self.assertAlmostEqual(suggestion.weighted_value, 1200.5, places=2)
        # the scores recomputed (the engine's store step calls the refresh): set-based update
        acme_score.sudo().write({"revenue_period": 2000.0})
        self.Suggestion._crm_refresh_weighted_values(company)
        self.assertAlmostEqual(suggestion.weighted_value, 2000.0, places=2)
        self.assertEqual(alone.weighted_value, 0.0)
        # sorted by weighted value first
        self.assertEqual(
            self.Suggestion.search([("id", "in", (suggestion | alone).ids)]).ids, (suggestion | alone).ids
        )

    def test_merge_moves_votes_history_and_followers(self):
        kept = self.make_suggestion("Sugg dark invoices", votes=[self.acme_bert, self.cargo])
        duplicate = self.make_suggestion("Sugg invoices in dark mode", votes=[self.bistro_claire])
        # Acme asked for the duplicate earlier (Anna), then for the kept one (Bert)
        anna_vote = self.Vote.with_user(self.agent).create(
            {
                "suggestion_id": duplicate.id,
                "partner_id": self.acme.id,
                "contact_id": self.acme_anna.id,
                "comment": "Anna: we print at night.",
                "date": fields.Datetime.subtract(fields.Datetime.now(), days=90),
            }
        )
        kept.vote_ids.filtered(lambda vote: vote.partner_id == self.acme).comment = "Bert: me too."
        duplicate.message_post(body="A note on the duplicate", subtype_xmlid="mail.mt_note")
        attachment = self.env["ir.attachment"].create(
            {"name": "mockup.png", "res_model": "crm.suggestion", "res_id": duplicate.id, "raw": b"png"}
        )
        duplicate.message_subscribe(partner_ids=self.expert.partner_id.ids)
        wizard = Form(
            self.env["crm.suggestion.merge"]
            .with_user(self.service_manager)
            .with_context(active_model="crm.suggestion", active_ids=(kept | duplicate).ids)
        )
        wizard.target_id = kept
        wizard.save().action_merge()
        self.assertEqual((duplicate.state, duplicate.merged_into_id), ("duplicate", kept))
        self.assertEqual(duplicate.vote_ids, self.Vote)
        self.assertEqual(kept.vote_ids.partner_id, self.acme | self.bistro | self.cargo)
        self.assertEqual(kept.vote_count, 3)
        acme_vote = kept.vote_ids.filtered(lambda vote: vote.partner_id == self.acme)
        # the oldest vote is kept, with both comments
        self.assertEqual(acme_vote, anna_vote)
        self.assertEqual(acme_vote.contact_id, self.acme_anna)
        self.assertIn("Anna: we print at night.", acme_vote.comment)
        self.assertIn("Bert: me too.", acme_vote.comment)
        self.assertIn("A note on the duplicate", "".join(kept.message_ids.mapped("body")))
        self.assertEqual((attachment.res_model, attachment.res_id), ("crm.suggestion", kept.id))
        self.assertIn(self.expert.partner_id, kept.message_partner_ids)
        self.assertIn(duplicate, kept.duplicate_ids)

    def test_merge_refusals(self):
        first = self.make_suggestion("Sugg merge A", votes=[self.cargo])
        second = self.make_suggestion("Sugg merge B")
        other_company = self.env["res.company"].create({"name": "Sugg Merge Company"})
        foreign = self.Suggestion.create({"name": "Sugg foreign", "company_id": other_company.id})
        self.service_manager.company_ids = [fields.Command.link(other_company.id)]
        manager_env = self.Suggestion.with_user(self.service_manager).with_context(
            allowed_company_ids=[self.env.company.id, other_company.id]
        )
        with self.assertRaisesText(UserError, "cannot be merged into itself"):
            manager_env.browse(first.id)._crm_merge(manager_env.browse(first.id))
        with self.assertRaisesText(UserError, "cannot be merged into itself"):
            manager_env.browse(first.id)._crm_merge(manager_env.browse((first | second).ids))
        with self.assertRaisesText(UserError, "Sugg foreign belong to another company"):
            manager_env.browse(first.id)._crm_merge(manager_env.browse(foreign.id))
        # agents do not merge
        with self.assertRaises(AccessError):
            self.env["crm.suggestion.merge"].with_user(self.agent).create(
                {"suggestion_ids": [fields.Command.set((first | second).ids)], "target_id": first.id}
            )
        with self.assertRaisesText(AccessError, "Only Customer Service managers"):
            first.with_user(self.agent)._crm_merge(second.with_user(self.agent))
        self.assertEqual((first.state, second.state), ("new", "new"))

    def test_ship_tells_every_requester_once_in_their_language(self):
        fr_template = self.env.ref("crm_service.mail_template_crm_suggestion_shipped").with_context(
            lang="fr_FR"
        )
        fr_template.subject = "Votre suggestion est disponible : {{ object.kept_suggestion_id.name }}"
        kept = self.make_suggestion("Sugg barcode labels", votes=[self.acme_anna, self.cargo])
        duplicate = self.make_suggestion(
            "Sugg labels with barcodes", votes=[self.bistro_claire, self.acme_bert]
        )
        kept.with_user(self.service_manager)._crm_merge(duplicate.with_user(self.service_manager))
        # a requester left on a duplicate marked by hand is told too
        late = self.make_suggestion("Sugg barcodes please")
        late_vote = self.Vote.create({"suggestion_id": late.id, "partner_id": self.service_customer().id})
        late.with_user(self.service_manager).write({"state": "duplicate"})
        late.sudo()._crm_write_bookkeeping({"merged_into_id": kept.id})
        kept.with_user(self.agent).write(
            {"decision_note": "<p>Shipped in the spring release.</p>", "release_ref": "2026.3"}
        )
        kept.with_user(self.agent).action_plan()
        self.assertFalse(self.queued_mails(kept.vote_ids | late_vote))
        kept.with_user(self.agent).action_ship()
        self.assertEqual(kept.shipped_date, fields.Date.context_today(kept))
        votes = kept.vote_ids | late_vote
        self.assertEqual(len(votes), 4)
        self.assertTrue(all(votes.mapped("notified_date")))
        mails = self.queued_mails(votes)
        self.assertEqual(len(mails), 4)
        self.assertEqual(set(mails.mapped("state")), {"outgoing"})
        by_recipient = {mail.recipient_ids: mail for mail in mails}
        self.assertEqual(
            set(by_recipient), {self.acme_anna, self.cargo, self.bistro_claire, self.service_customer()}
        )
        self.assertTrue(
            by_recipient[self.bistro_claire].subject.startswith("Votre suggestion est disponible")
        )
        self.assertTrue(by_recipient[self.acme_anna].subject.startswith("Your suggestion is available"))
        self.assertIn("Shipped in the spring release.", by_recipient[self.cargo].body_html)
        self.assertIn("2026.3", by_recipient[self.cargo].body_html)
        self.assertEqual(kept.told_count, 3)
        self.assertEqual(kept.told_percent, 100.0)
        # shipped again after a reopening: nobody is told twice
        kept.with_user(self.agent).action_reset()
        kept.with_user(self.agent).action_ship()
        self.assertEqual(len(self.queued_mails(votes)), 4)
        # a customer added later is told by the button, alone
        new_vote = self.Vote.with_user(self.agent).create(
            {"suggestion_id": kept.id, "partner_id": self.dedicated_customer.id}
        )
        kept.with_user(self.agent).action_notify_requesters()
        self.assertEqual(len(self.queued_mails(new_vote)), 1)
        self.assertEqual(len(self.queued_mails(votes)), 4)
        # the report: share of requesters told
        rows = self.Vote._read_group(
            [("suggestion_id", "=", kept.id)], ["suggestion_state"], ["told_percent:avg", "__count"]
        )
        self.assertEqual(rows, [("shipped", 100.0, 4)])

    def service_customer(self):
        return self.tiered_customer

    def test_decline_tells_requesters_and_notified_date_is_bookkeeping(self):
        suggestion = self.make_suggestion("Sugg pink desks", votes=[self.bistro_claire, self.cargo])
        self.cargo.email = False
        vote = suggestion.vote_ids[0]
        with self.assertRaisesText(AccessError, "Told On"):
            vote.with_user(self.service_manager).write({"notified_date": fields.Datetime.now()})
        with self.assertRaisesText(AccessError, "Told On"):
            self.Vote.with_user(self.agent).create(
                {
                    "suggestion_id": suggestion.id,
                    "partner_id": self.acme.id,
                    "notified_date": fields.Datetime.now(),
                }
            )
        with self.assertRaisesText(AccessError, "Shipped Date"):
            suggestion.with_user(self.service_manager).write({"shipped_date": "2026-01-01"})
        with self.assertRaisesText(AccessError, "Merged Into"):
            suggestion.with_user(self.service_manager).write({"merged_into_id": suggestion.id})
        suggestion.with_user(self.agent).write({"decision_note": "<p>Not this year.</p>"})
        suggestion.with_user(self.agent).action_decline()
        claire_vote = suggestion.vote_ids.filtered(lambda vote: vote.partner_id == self.bistro)
        cargo_vote = suggestion.vote_ids - claire_vote
        self.assertTrue(claire_vote.notified_date)
        # no e-mail address: not told, and the report says so
        self.assertFalse(cargo_vote.notified_date)
        mail = self.queued_mails(suggestion.vote_ids)
        self.assertEqual(mail.recipient_ids, self.bistro_claire)
        self.assertIn("Not this year.", mail.body_html)
        self.assertEqual(suggestion.told_percent, 50.0)
        self.assertIn("Not told (no e-mail address): Sugg Cargo", suggestion.message_ids[0].body)


@tagged("post_install", "-at_install")
class TestSuggestionLog(SuggestionCase):
    """Log a suggestion in one step from a partner, a case or a lead, as a salesperson or an agent."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_salesperson = new_test_user(
            cls.env, login="sugg_other_sales", name="Oscar Other", groups="sales_team.group_sale_salesman"
        )
        stage = cls.env["crm.lifecycle.stage"]._get_by_code("customer")
        cls.own_customer = cls.env["res.partner"].create(
            {
                "name": "Sugg Own Customer",
                "is_company": True,
                "lifecycle_stage_id": stage.id,
                "user_id": cls.salesperson.id,
            }
        )
        cls.own_contact = cls.env["res.partner"].create(
            {"name": "Olga Own", "parent_id": cls.own_customer.id, "email": "olga@sugg.example.com"}
        )
        cls.foreign_customer = cls.env["res.partner"].create(
            {
                "name": "Sugg Colleague Customer",
                "is_company": True,
                "lifecycle_stage_id": stage.id,
                "user_id": cls.other_salesperson.id,
            }
        )

    def log(self, user, action, **values):
        form = Form(self.env[action["res_model"]].with_user(user).with_context(**action["context"]))
        for name, value in values.items():
            setattr(form, name, value)
        return form.save().action_log()

    def test_salesperson_logs_from_partner_form_new_then_existing(self):
        partner = self.own_contact.with_user(self.salesperson)
        action = partner.action_crm_log_suggestion()
        result = self.log(self.salesperson, action, name="Sugg stackable chairs", comment="For the canteen.")
        suggestion = self.Suggestion.browse(result["res_id"])
        self.assertEqual(suggestion.name, "Sugg stackable chairs")
        self.assertEqual(
            (suggestion.vote_ids.partner_id, suggestion.vote_ids.contact_id, suggestion.vote_ids.comment),
            (self.own_customer, self.own_contact, "For the canteen."),
        )
        # the salesperson reads it but may not write it
        self.assertEqual(suggestion.with_user(self.salesperson).vote_count, 1)
        with self.assertRaises(AccessError):
            suggestion.with_user(self.salesperson).write({"name": "Changed"})
        # another customer of theirs asks for the same: a vote on the existing suggestion
        action = self.acme.with_user(self.salesperson).action_crm_log_suggestion()
        self.log(self.salesperson, action, mode="existing", suggestion_id=suggestion)
        self.assertEqual(suggestion.vote_ids.partner_id, self.own_customer | self.acme)
        # twice: refused with a clear message
        with self.assertRaisesText(ValidationError, "Sugg Acme already asked"):
            self.log(self.salesperson, action, mode="existing", suggestion_id=suggestion)

    def test_salesperson_cannot_log_for_a_colleague_customer(self):
        action = self.own_customer.with_user(self.salesperson).action_crm_log_suggestion()
        form = Form(
            self.env["crm.suggestion.log"].with_user(self.salesperson).with_context(**action["context"])
        )
        form.name = "Sugg sneaky"
        wizard = form.save()
        wizard.sudo().partner_id = self.foreign_customer
        with self.assertRaisesText(UserError, "not one of the customers you may see"):
            wizard.action_log()
        self.assertFalse(self.Suggestion.search([("name", "=", "Sugg sneaky")]))
        # nor the votes of another salesperson's customers
        suggestion = self.make_suggestion(
            "Sugg hidden requester", votes=[self.foreign_customer, self.own_customer]
        )
        visible = self.Vote.with_user(self.salesperson).search([("suggestion_id", "=", suggestion.id)])
        self.assertEqual(visible.partner_id, self.own_customer)

    def test_agent_logs_from_a_case(self):
        case = self.new_case(partner_id=self.acme_anna.id, product_id=self.product.id, channel="email")
        action = case.with_user(self.agent).action_crm_log_suggestion()
        result = self.log(self.agent, action, name="Sugg stronger boxes")
        suggestion = self.Suggestion.browse(result["res_id"])
        vote = suggestion.vote_ids
        self.assertEqual(
            (suggestion.product_id, vote.partner_id, vote.contact_id, vote.channel),
            (self.product, self.acme, self.acme_anna, "email"),
        )
        self.assertIn(case.name, suggestion.message_ids[0].body)

    def test_salesperson_and_agent_log_from_a_lead(self):
        lead = self.env["crm.lead"].create(
            {
                "name": "Sugg desks for the new office",
                "partner_id": self.own_contact.id,
                "user_id": self.salesperson.id,
            }
        )
        action = lead.with_user(self.salesperson).action_crm_log_suggestion()
        result = self.log(self.salesperson, action, name="Sugg desk with drawers")
        vote = self.Suggestion.browse(result["res_id"]).vote_ids
        self.assertEqual(
            (vote.partner_id, vote.contact_id, vote.channel), (self.own_customer, self.own_contact, "other")
        )
        # an agent who also sells picks the existing suggestion for another customer's lead
        self.agent.groups_id = [Command.link(self.env.ref("sales_team.group_sale_salesman").id)]
        other_lead = self.env["crm.lead"].create(
            {"name": "Sugg Cargo lead", "partner_id": self.cargo.id, "user_id": self.agent.id}
        )
        action = other_lead.with_user(self.agent).action_crm_log_suggestion()
        self.log(self.agent, action, mode="existing", suggestion_id=vote.suggestion_id)
        self.assertEqual(vote.suggestion_id.vote_ids.partner_id, self.own_customer | self.cargo)
        no_customer = self.env["crm.lead"].create({"name": "Sugg anonymous lead"})
        with self.assertRaisesText(UserError, "has no customer"):
            no_customer.with_user(self.salesperson).action_crm_log_suggestion()


@tagged("post_install", "-at_install")
class TestSuggestionBenefit(SuggestionCase):
    """The ``suggestions`` component of the benefit index: shipped / requested over the period."""

    def test_component_and_index(self):
        company = self.env.company
        company.write(
            {
                "crm_value_period_months": 12,
                "crm_value_benefit_weight_discount": 0.0,
                "crm_value_benefit_weight_not_credited": 0.0,
                "crm_value_benefit_weight_confirmed": 0.0,
                "crm_value_benefit_weight_on_time": 0.0,
                "crm_service_benefit_weight_suggestions": 2.0,
            }
        )
        today = fields.Date.context_today(self.Suggestion)
        long_ago = fields.Datetime.subtract(fields.Datetime.now(), years=2)
        shipped = self.make_suggestion("Sugg shipped one", votes=[self.acme, self.bistro])
        self.make_suggestion("Sugg open one", votes=[self.acme])
        declined = self.make_suggestion("Sugg declined one", votes=[self.acme])
        # asked long ago, still open: outside the period
        old_open = self.make_suggestion("Sugg old open")
        self.Vote.create({"suggestion_id": old_open.id, "partner_id": self.acme.id, "date": long_ago})
        # asked long ago, shipped in the period: counts, shipped
        old_shipped = self.make_suggestion("Sugg old shipped")
        self.Vote.create({"suggestion_id": old_shipped.id, "partner_id": self.cargo.id, "date": long_ago})
        declined.with_user(self.agent).action_decline()
        Score = self.env["crm.value.score"]
        partners = [self.acme.id, self.bistro.id, self.cargo.id]
        values = Score._crm_value_benefit_suggestions(company, today, partners)
        # Cargo asked long ago for what is not shipped yet: out of the period, left out
        self.assertEqual(values, {self.acme.id: 0.0, self.bistro.id: 0.0})
        (shipped | old_shipped).with_user(self.agent).action_ship()
        values = Score._crm_value_benefit_suggestions(company, today, partners)
        # Acme: 1 shipped of 3 asked in the period (the old open one is outside it)
        self.assertAlmostEqual(values[self.acme.id], 1 / 3)
        self.assertEqual((values[self.bistro.id], values[self.cargo.id]), (1.0, 1.0))
        # a day before the shipping, as of yesterday: nothing shipped yet
        yesterday = fields.Date.subtract(today, days=1)
        self.assertEqual(Score._crm_value_benefit_suggestions(company, yesterday, [self.cargo.id]), {})
        # the index: the component alone here (no invoices), in percent
        index = Score._crm_value_benefit_index(company, today, partners)
        self.assertEqual(index[self.bistro.id], (100.0, {"suggestions": 1.0}))
        self.assertEqual(index[self.acme.id][0], 33.33)
        self.assertIn(
            "suggestions", [component["key"] for component in Score._crm_value_benefit_components()]
        )
        company.crm_service_benefit_weight_suggestions = 0.0
        self.assertEqual(Score._crm_value_benefit_index(company, today, partners), {})
        with self.assertRaises(ValidationError):
            company.crm_service_benefit_weight_suggestions = -1.0


@tagged("post_install", "-at_install")
class TestSuggestionAccess(SuggestionCase):
    """Who reads, writes and deletes suggestions and votes; companies stay apart."""

    def test_rights_by_role_and_company(self):
        suggestion = self.make_suggestion("Sugg access", votes=[self.acme_anna])
        vote = suggestion.vote_ids
        # agents create and write, do not delete
        suggestion.with_user(self.agent).write({"release_ref": "R1"})
        vote.with_user(self.agent).write({"comment": "Edited by the agent"})
        with self.assertRaises(AccessError):
            suggestion.with_user(self.agent).unlink()
        with self.assertRaises(AccessError):
            vote.with_user(self.agent).unlink()
        # salespeople read (customers outside the CRM flow are visible to them), never write
        self.assertEqual(vote.with_user(self.salesperson).comment, "Edited by the agent")
        with self.assertRaises(AccessError):
            vote.with_user(self.salesperson).write({"comment": "No"})
        with self.assertRaises(AccessError):
            self.Suggestion.with_user(self.salesperson).create({"name": "Sugg direct"})
        # managers publish to every customer's portal, agents do not
        with self.assertRaisesText(AccessError, "Only Customer Service managers publish"):
            suggestion.with_user(self.agent).write({"portal_published": True})
        suggestion.with_user(self.service_manager).write({"portal_published": True})
        # managers delete
        vote.with_user(self.service_manager).unlink()
        # another company's users see nothing of this company's suggestions
        other_company = self.env["res.company"].create({"name": "Sugg Access Company"})
        foreign_agent = new_test_user(
            self.env,
            login="sugg_foreign_agent",
            groups="crm_service.group_crm_service_user",
            company_id=other_company.id,
            company_ids=[Command.set(other_company.ids)],
        )
        self.assertFalse(self.Suggestion.with_user(foreign_agent).search([("id", "=", suggestion.id)]))
        foreign = self.Suggestion.with_user(foreign_agent).create({"name": "Sugg foreign idea"})
        self.assertEqual(foreign.company_id, other_company)
        self.assertFalse(self.Suggestion.with_user(self.agent).search([("id", "=", foreign.id)]))
        # a portal user has no access outside the portal routes
        portal = new_test_user(self.env, login="sugg_access_portal", groups="base.group_portal")
        with self.assertRaises(AccessError):
            self.Suggestion.with_user(portal).search([])
        with self.assertRaises(AccessError):
            self.Vote.with_user(portal).search([])
