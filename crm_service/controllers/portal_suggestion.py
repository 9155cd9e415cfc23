from odoo import http
from odoo.http import request
from odoo.tools import is_html_empty, plaintext2html

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

PAGE_SIZE = 20
# a customer may vote on and comment the suggestions still being decided
VOTABLE_STATES = ("new", "review", "planned", "in_progress")


class SuggestionPortal(CustomerPortal):
    """``/my/suggestions``: a customer submits suggestions, votes for those they may see and
    follows their decision.

    Portal users have no access right on suggestions and votes: these routes read and write them
    with sudo, always within ``_crm_suggestion_domain`` (the suggestions the customer asked for,
    and those a manager published), and never show who else asked or what they said."""

    def _crm_suggestion_portal_enabled(self):
        return request.env.company.crm_service_portal or request.env.user.company_id.crm_service_portal

    def _crm_suggestion_customer(self):
        return request.env.user.partner_id.commercial_partner_id

    def _crm_suggestion_domain(self):
        user = request.env.user
        return [
            ("company_id", "in", user.company_ids.ids),
            ("company_id.crm_service_portal", "=", True),
            ("state", "!=", "duplicate"),
            "|",
            ("vote_ids.partner_id", "=", self._crm_suggestion_customer().id),
            ("portal_published", "=", True),
        ]

    def _crm_suggestion_sudo(self, suggestion_id):
        """The suggestion if the customer may see it (sudo: the domain restricts it), else empty."""
        return (
            request.env["crm.suggestion"]
            .sudo()
            .search([("id", "=", int(suggestion_id)), *self._crm_suggestion_domain()], limit=1)
        )

    def _crm_suggestion_state_labels(self):
        Suggestion = request.env["crm.suggestion"]
        return dict(Suggestion._fields["state"]._description_selection(Suggestion.env))

    def _crm_suggestion_own_vote(self, suggestion_sudo):
        customer = self._crm_suggestion_customer()
        return suggestion_sudo.vote_ids.filtered(lambda vote: vote.partner_id == customer)[:1]

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "suggestion_count" in counters:
            values["suggestion_count"] = (
                # sudo: counted within the customer's domain only
                request.env["crm.suggestion"].sudo().search_count(self._crm_suggestion_domain())
                if self._crm_suggestion_portal_enabled() and request.env.user.share
                else 0
            )
        return values

    @http.route(
        ["/my/suggestions", "/my/suggestions/page/<int:page>"], type="http", auth="user", website=True
    )
    def portal_my_suggestions(self, page=1, filterby=None, **kw):
        if not self._crm_suggestion_portal_enabled() or not request.env.user.share:
            return request.redirect("/my")
        customer = self._crm_suggestion_customer()
        filters = {
            "all": {"label": request.env._("All"), "domain": []},
            "mine": {
                "label": request.env._("Asked by us"),
                "domain": [("vote_ids.partner_id", "=", customer.id)],
            },
            "open": {"label": request.env._("Being decided"), "domain": [("state", "in", VOTABLE_STATES)]},
            "shipped": {"label": request.env._("Shipped"), "domain": [("state", "=", "shipped")]},
        }
        filterby = filterby if filterby in filters else "all"
        domain = self._crm_suggestion_domain() + filters[filterby]["domain"]
        # sudo: within the customer's domain above
        Suggestion = request.env["crm.suggestion"].sudo()
        count = Suggestion.search_count(domain)
        pager = portal_pager(
            url="/my/suggestions", url_args={"filterby": filterby}, total=count, page=page, step=PAGE_SIZE
        )
        suggestions = Suggestion.search(
            domain, order="create_date desc, id desc", limit=PAGE_SIZE, offset=pager["offset"]
        )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "suggestions": suggestions,
                "voted_ids": set(
                    suggestions.vote_ids.filtered(lambda vote: vote.partner_id == customer).suggestion_id.ids
                ),
                "page_name": "suggestion",
                "state_labels": self._crm_suggestion_state_labels(),
                "pager": pager,
                "default_url": "/my/suggestions",
                "searchbar_filters": filters,
                "filterby": filterby,
            }
        )
        return request.render("crm_service.portal_my_suggestions", values)

    @http.route(["/my/suggestions/<int:suggestion_id>"], type="http", auth="user", website=True)
    def portal_suggestion_page(self, suggestion_id, **kw):
        if not self._crm_suggestion_portal_enabled() or not request.env.user.share:
            return request.redirect("/my")
        suggestion_sudo = self._crm_suggestion_sudo(suggestion_id)
        if not suggestion_sudo:
            # a duplicate points to the suggestion it was merged into, when the customer may see it
            duplicate_sudo = request.env["crm.suggestion"].sudo().browse(int(suggestion_id)).exists()
            kept = duplicate_sudo.state == "duplicate" and duplicate_sudo.merged_into_id
            while (
                kept
                and kept.state == "duplicate"
                and kept.merged_into_id
                and kept.merged_into_id != duplicate_sudo
            ):
                kept = kept.merged_into_id
            if kept and self._crm_suggestion_sudo(kept.id):
                return request.redirect(f"/my/suggestions/{kept.id}?merged=1")
            return request.redirect("/my")
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "suggestion": suggestion_sudo,
                "own_vote": self._crm_suggestion_own_vote(suggestion_sudo),
                "votable": suggestion_sudo.state in VOTABLE_STATES,
                "merged": kw.get("merged"),
                "is_html_empty": is_html_empty,
                "state_labels": self._crm_suggestion_state_labels(),
                "page_name": "suggestion",
            }
        )
        return request.render("crm_service.portal_suggestion_page", values)

    @http.route(["/my/suggestions/new"], type="http", auth="user", website=True)
    def portal_suggestion_new(self, **kw):
        if not self._crm_suggestion_portal_enabled() or not request.env.user.share:
            return request.redirect("/my")
        values = self._prepare_portal_layout_values()
        values.update({"page_name": "suggestion_new", "error": kw.get("error")})
        return request.render("crm_service.portal_suggestion_new", values)

    @http.route(["/my/suggestions/submit"], type="http", auth="user", methods=["POST"], website=True)
    def portal_suggestion_submit(self, name="", description="", **kw):
        if not self._crm_suggestion_portal_enabled() or not request.env.user.share:
            return request.redirect("/my")
        name = (name or "").strip()
        if not name:
            return request.redirect("/my/suggestions/new?error=name")
        contact = request.env.user.partner_id
        customer = contact.commercial_partner_id
        # sudo: the customer submits their own suggestion (the form's text) and their vote for it
        suggestion_sudo = (
            request.env["crm.suggestion"]
            .sudo()
            .create(
                {
                    "name": name[:200],
                    "description": plaintext2html(description or ""),
                    "company_id": (contact.company_id or request.env.company).id,
                }
            )
        )
        request.env["crm.suggestion.vote"].sudo().create(
            {
                "suggestion_id": suggestion_sudo.id,
                "partner_id": customer.id,
                "contact_id": contact.id,
                "channel": "portal",
            }
        )
        suggestion_sudo.message_post(
            body=request.env._("Submitted in the portal by %(contact)s.", contact=contact.display_name),
            subtype_xmlid="mail.mt_note",
        )
        return request.redirect(f"/my/suggestions/{suggestion_sudo.id}")

    @http.route(
        ["/my/suggestions/<int:suggestion_id>/vote"], type="http", auth="user", methods=["POST"], website=True
    )
    def portal_suggestion_vote(self, suggestion_id, comment="", **kw):
        """The customer asks for the suggestion too (or changes their comment)."""
        if not self._crm_suggestion_portal_enabled() or not request.env.user.share:
            return request.redirect("/my")
        suggestion_sudo = self._crm_suggestion_sudo(suggestion_id)
        if not suggestion_sudo:
            return request.redirect("/my")
        if suggestion_sudo.state not in VOTABLE_STATES:
            return request.redirect(f"/my/suggestions/{suggestion_sudo.id}")
        comment = (comment or "").strip()[:2000] or False
        own_vote = self._crm_suggestion_own_vote(suggestion_sudo)
        contact = request.env.user.partner_id
        # sudo: the vote of the customer's own company on a suggestion they may see (checked above)
        if own_vote:
            own_vote.write({"comment": comment, "contact_id": own_vote.contact_id.id or contact.id})
        else:
            request.env["crm.suggestion.vote"].sudo().create(
                {
                    "suggestion_id": suggestion_sudo.id,
                    "partner_id": contact.commercial_partner_id.id,
                    "contact_id": contact.id,
                    "channel": "portal",
                    "comment": comment,
                }
            )
        return request.redirect(f"/my/suggestions/{suggestion_sudo.id}")
