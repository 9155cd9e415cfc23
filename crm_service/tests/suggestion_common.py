from odoo import fields

from .common import ServiceCase


class SuggestionCase(ServiceCase):
    """Customers with contacts (one speaks French), value scores with known period revenue, and
    a few suggestions."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        Partner = cls.env["res.partner"]
        cls.acme = Partner.create({"name": "Sugg Acme", "is_company": True, "email": "acme@sugg.example.com"})
        cls.acme_anna = Partner.create(
            {"name": "Anna Acme", "parent_id": cls.acme.id, "email": "anna@sugg.example.com", "lang": "en_US"}
        )
        cls.acme_bert = Partner.create(
            {"name": "Bert Acme", "parent_id": cls.acme.id, "email": "bert@sugg.example.com", "lang": "en_US"}
        )
        cls.bistro = Partner.create(
            {"name": "Sugg Bistro", "is_company": True, "email": "bistro@sugg.example.com", "lang": "fr_FR"}
        )
        cls.bistro_claire = Partner.create(
            {
                "name": "Claire Bistro",
                "parent_id": cls.bistro.id,
                "email": "claire@sugg.example.com",
                "lang": "fr_FR",
            }
        )
        cls.cargo = Partner.create(
            {"name": "Sugg Cargo", "is_company": True, "email": "cargo@sugg.example.com"}
        )
        cls.product = cls.env["product.product"].create({"name": "Sugg Desk", "type": "consu"})
        cls.Suggestion = cls.env["crm.suggestion"]
        cls.Vote = cls.env["crm.suggestion.vote"]

    @classmethod
    def make_suggestion(cls, name, votes=(), user=None, **vals):
        """A suggestion and its votes: ``votes`` are contacts (or companies), in order of date."""
        suggestion = cls.Suggestion.with_user(user or cls.agent).create(
            dict({"name": name, "product_id": cls.product.id}, **vals)
        )
        for index, contact in enumerate(votes):
            cls.Vote.with_user(user or cls.agent).create(
                {
                    "suggestion_id": suggestion.id,
                    "partner_id": contact.commercial_partner_id.id,
                    "contact_id": contact.id if contact.parent_id else False,
                    "channel": "phone",
                    "date": fields.Datetime.subtract(fields.Datetime.now(), days=30 - index),
                }
            )
        return suggestion

    def queued_mails(self, votes):
        return self.env["mail.mail"].search(
            [("model", "=", "crm.suggestion.vote"), ("res_id", "in", votes.ids)]
        )
