from odoo import http
from odoo.exceptions import AccessError, MissingError, ValidationError
from odoo.http import request
from odoo.tools import plaintext2html

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

PAGE_SIZE = 20
# files a customer may attach to a new case: how many, and the size of each
MAX_ATTACHMENTS = 5
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


class ComplaintPortal(CustomerPortal):
    """``/my/complaints``: a customer lists, files, follows, closes or reopens their cases."""

    def _crm_portal_enabled(self):
        return request.env.company.crm_service_portal or request.env.user.company_id.crm_service_portal

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "complaint_count" in counters:
            Case = request.env["crm.complaint"]
            values["complaint_count"] = (
                Case.search_count([]) if self._crm_portal_enabled() and Case.has_access("read") else 0
            )
        return values

    @http.route(["/my/complaints", "/my/complaints/page/<int:page>"], type="http", auth="user", website=True)
    def portal_my_complaints(self, page=1, sortby=None, filterby=None, **kw):
        if not self._crm_portal_enabled():
            return request.redirect("/my")
        Case = request.env["crm.complaint"]
        sortings = {
            "date": {"label": request.env._("Newest"), "order": "create_date desc, id desc"},
            "name": {"label": request.env._("Reference"), "order": "name desc"},
            "stage": {"label": request.env._("Stage"), "order": "stage_id, id desc"},
        }
        filters = {
            "all": {"label": request.env._("All"), "domain": []},
            "open": {
                "label": request.env._("Open"),
                "domain": [("state", "not in", ("resolved", "closed", "cancelled"))],
            },
            "done": {
                "label": request.env._("Resolved and Closed"),
                "domain": [("state", "in", ("resolved", "closed"))],
            },
        }
        sortby = sortby if sortby in sortings else "date"
        filterby = filterby if filterby in filters else "all"
        domain = filters[filterby]["domain"]
        count = Case.search_count(domain)
        pager = portal_pager(
            url="/my/complaints",
            url_args={"sortby": sortby, "filterby": filterby},
            total=count,
            page=page,
            step=PAGE_SIZE,
        )
        cases = Case.search(domain, order=sortings[sortby]["order"], limit=PAGE_SIZE, offset=pager["offset"])
        request.session["my_complaints_history"] = cases.ids[:100]
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "complaints": cases,
                "page_name": "complaint",
                "pager": pager,
                "default_url": "/my/complaints",
                "searchbar_sortings": sortings,
                "sortby": sortby,
                "searchbar_filters": filters,
                "filterby": filterby,
            }
        )
        return request.render("crm_service.portal_my_complaints", values)

    @http.route(["/my/complaints/<int:case_id>"], type="http", auth="public", website=True)
    def portal_complaint_page(self, case_id, access_token=None, **kw):
        try:
            case_sudo = self._document_check_access("crm.complaint", case_id, access_token=access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        values = self._get_page_view_values(
            case_sudo,
            access_token,
            {"complaint": case_sudo, "page_name": "complaint"},
            "my_complaints_history",
            False,
            **kw,
        )
        if case_sudo.state == "closed" and not case_sudo.rating_ids.filtered("consumed"):
            # Odoo's rating: one token per case and customer, its first rating counts
            values["rating_token"] = case_sudo._rating_get_access_token()
        return request.render("crm_service.portal_complaint_page", values)

    @http.route(["/my/complaints/new"], type="http", auth="user", website=True)
    def portal_complaint_new(self, **kw):
        if not self._crm_portal_enabled():
            return request.redirect("/my")
        values = self._prepare_portal_layout_values()
        values.update(self._crm_portal_form_values())
        values.update({"page_name": "complaint_new", "error": kw.get("error")})
        return request.render("crm_service.portal_complaint_new", values)

    @http.route(["/my/complaints/submit"], type="http", auth="user", methods=["POST"], website=True)
    def portal_complaint_submit(
        self, subject="", description="", category_id=None, sale_order_id=None, product_id=None, **kw
    ):
        if not self._crm_portal_enabled():
            return request.redirect("/my")
        subject = (subject or "").strip()
        if not subject:
            return request.redirect("/my/complaints/new?error=subject")
        files = [upload for upload in request.httprequest.files.getlist("attachments") if upload.filename]
        if len(files) > MAX_ATTACHMENTS:
            return request.redirect("/my/complaints/new?error=attachments")
        contents = [(upload.filename, upload.read(MAX_ATTACHMENT_BYTES + 1)) for upload in files]
        if any(len(content) > MAX_ATTACHMENT_BYTES for _name, content in contents):
            return request.redirect("/my/complaints/new?error=attachment_size")
        choices = self._crm_portal_form_values()
        partner = request.env.user.partner_id
        values = {
            "subject": subject,
            "description": plaintext2html(description or ""),
            "partner_id": partner.id,
            "channel": "portal",
            "company_id": (partner.company_id or request.env.company).id,
        }
        category = choices["categories"].filtered(lambda category: str(category.id) == str(category_id))
        if category:
            values["category_id"] = category.id
        order = choices["orders"].filtered(lambda order: str(order.id) == str(sale_order_id))
        if order:
            values["sale_order_id"] = order.id
        product = choices["products"].filtered(lambda product: str(product.id) == str(product_id))
        if product:
            values["product_id"] = product.id
        # the customer files a case for themselves: the values are the form's, the category, the
        # order and the product were picked among those offered to them
        case = request.env["crm.complaint"].sudo().create(values)
        if contents:
            self._crm_portal_attach(case, contents)
        case._crm_send_acknowledgement()
        return request.redirect(case.get_portal_url())

    @http.route(
        ["/my/complaints/<int:case_id>/<string:decision>"],
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_complaint_decide(self, case_id, decision, access_token=None, **kw):
        """The customer confirms the case is solved (closes it) or reopens it."""
        try:
            case_sudo = self._document_check_access("crm.complaint", case_id, access_token=access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        url = case_sudo.get_portal_url()
        try:
            with request.env.cr.savepoint():
                self._crm_portal_decide(case_sudo, decision)
        except ValidationError:
            # a complaint closes only with its root cause and actions: the agent closes it
            return request.redirect(f"{url}&error=close" if "?" in url else f"{url}?error=close")
        return request.redirect(url)

    def _crm_portal_decide(self, case_sudo, decision):
        """Close (the customer confirms it is solved) or reopen the customer's own case, whose
        access the route checked."""
        if decision == "solved" and case_sudo.stage_id.customer_can_close and case_sudo.state == "resolved":
            closed = request.env["crm.complaint.stage"].sudo().search([("state", "=", "closed")], limit=1)
            case_sudo.write({"stage_id": closed.id})
            body = request.env._("The customer confirmed the case is solved.")
        elif decision == "reopen" and case_sudo.state in ("resolved", "closed"):
            case_sudo.action_reopen()
            body = request.env._("The customer reopened the case.")
        else:
            return
        case_sudo.message_post(
            body=body, author_id=request.env.user.partner_id.id, subtype_xmlid="mail.mt_note"
        )

    def _crm_portal_attach(self, case_sudo, contents):
        """The customer's files on their new case, in its thread: [(file name, bytes)]."""
        # the files are the customer's own, pending (as the chatter uploads them) until the post
        # below binds them to the case; created by this user, so that mail lets a portal user post them
        attachments = (
            request.env["ir.attachment"]
            .sudo()
            .create(
                [
                    {"name": name, "raw": content, "res_model": "mail.compose.message", "res_id": 0}
                    for name, content in contents
                ]
            )
        )
        case_sudo.message_post(
            body=request.env._("Files sent with the case."),
            author_id=request.env.user.partner_id.id,
            attachment_ids=attachments.ids,
            subtype_xmlid="mail.mt_note",
        )

    def _crm_portal_form_values(self):
        partner = request.env.user.partner_id
        # the categories are configuration (names only); the orders are those the user may read
        categories = (
            request.env["crm.complaint.category"]
            .sudo()
            .search([("company_id", "in", [False, (partner.company_id or request.env.company).id])])
        )
        orders = (
            request.env["sale.order"].search(
                [("partner_id", "child_of", partner.commercial_partner_id.id), ("state", "=", "sale")],
                limit=50,
                order="date_order desc",
            )
            if request.env["sale.order"].has_access("read")
            else request.env["sale.order"]
        )
        # the products the customer bought: the lines of the confirmed orders they may read
        lines = (
            request.env["sale.order.line"].search(
                [
                    ("order_partner_id", "child_of", partner.commercial_partner_id.id),
                    ("state", "=", "sale"),
                    ("product_id", "!=", False),
                    ("display_type", "=", False),
                ],
                limit=500,
                order="id desc",
            )
            if request.env["sale.order.line"].has_access("read")
            else request.env["sale.order.line"]
        )
        # portal users may not read products: their names are read as superuser, only those of the
        # order lines the search above found under the user's own rules
        products = lines.sudo().product_id.sorted("display_name")
        return {"categories": categories, "orders": orders, "products": products}
