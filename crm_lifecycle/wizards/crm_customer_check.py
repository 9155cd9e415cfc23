from datetime import datetime, time, timedelta

import pytz

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_datetime

from ..utils import normalize


class CrmCustomerCheck(models.TransientModel):
    _name = "crm.customer.check"
    _description = "Check Customer"

    query = fields.Char(
        string="Name, Phone, Email or VAT",
        required=True,
        help="What you know of the customer: the company name (legal form, case and accents "
        "do not matter), a phone number, an email address or a VAT number.",
    )
    state = fields.Selection(
        [("draft", "To Check"), ("free", "Not Followed"), ("found", "Already Known")],
        default="draft",
        required=True,
    )
    checked_query = fields.Char(string="Checked Text", readonly=True)
    result_ids = fields.One2many("crm.customer.check.result", "check_id", string="Matches", readonly=True)
    blocked = fields.Boolean(
        string="Followed by Another Salesperson",
        compute="_compute_blocked",
        help="Another salesperson follows a customer that matches.",
    )

    @api.depends("result_ids.status")
    def _compute_blocked(self):
        for check in self:
            check.blocked = "other" in check.result_ids.mapped("status")

    def action_check(self):
        """Look the query up as the duplicate check of a new customer would, and show the answer."""
        self.ensure_one()
        self._check_daily_limit()
        summaries = self.env["res.partner"]._crm_duplicate_search(self.query)
        self._log_lookup(len(summaries))
        Result = self.env["crm.customer.check.result"]
        self.write(
            {
                "checked_query": self.query,
                "state": "found" if summaries else "free",
                "result_ids": [Command.clear()]
                + [Command.create(Result._prepare_values(summary)) for summary in summaries],
            }
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Check Customer"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": self.env.context,
        }

    def _check_daily_limit(self):
        """Refuse the lookup of a salesperson who made the company's daily number of them already
        (since midnight in their time zone). Sales managers are not limited."""
        user = self.env.user
        limit = self.env.company.crm_check_daily_limit
        if not limit or user.has_group("crm_lifecycle.group_crm_lifecycle_manager"):
            return
        day_start = self.env["res.partner"]._crm_user_day_start(user)
        # sudo: counts the user's own lookups, whatever the rules on the log say
        done = (
            self.env["crm.customer.check.log"]
            .sudo()
            .search_count(
                [
                    ("user_id", "=", user.id),
                    ("company_id", "=", self.env.company.id),
                    ("date", ">=", day_start),
                ],
                limit=limit,
            )
        )
        if done >= limit:
            # the next midnight in the user's time zone (a day may last 23 or 25 hours)
            tz = pytz.timezone(user.tz or "UTC")
            tomorrow = pytz.utc.localize(day_start).astimezone(tz).date() + timedelta(days=1)
            reset = (
                tz.localize(datetime.combine(tomorrow, time.min)).astimezone(pytz.utc).replace(tzinfo=None)
            )
            raise UserError(
                self.env._(
                    "You have made the %(limit)s customer checks a salesperson may make a day in "
                    "%(company)s. You can check again from %(reset)s; until then a sales manager can "
                    "check this customer for you, or raise the limit in the settings.",
                    limit=limit,
                    company=self.env.company.name,
                    reset=format_datetime(self.env, reset, tz=tz.zone, dt_format=False),
                )
            )

    def _log_lookup(self, match_count):
        # sudo: the log is written by the system only, for the user who looks up
        self.env["crm.customer.check.log"].sudo().create(
            {
                "user_id": self.env.uid,
                "company_id": self.env.company.id,
                "query": self.query.strip(),
                "match_count": match_count,
            }
        )

    def action_create_customer(self):
        """Enter the customer that nobody follows yet, with what was typed."""
        self.ensure_one()
        keys = normalize.query_keys(self.checked_query, self.env.company.country_id.code)
        context = {
            "default_is_company": True,
            "default_user_id": self.env.uid,
            "crm_lifecycle_managed": True,
        }
        if "email" in keys:
            context["default_email"] = self.checked_query.strip()
        elif "phone" in keys:
            context["default_phone"] = self.checked_query.strip()
        else:
            context["default_name"] = self.checked_query.strip()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("New Customer"),
            "res_model": "res.partner",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
            "context": context,
        }


class CrmCustomerCheckResult(models.TransientModel):
    _name = "crm.customer.check.result"
    _description = "Check Customer: Match"
    _order = "sequence, id"

    check_id = fields.Many2one("crm.customer.check", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(default=10)
    kind = fields.Selection([("customer", "Customer"), ("lead", "Lead")], required=True)
    name = fields.Char()
    owner_id = fields.Many2one("res.users", string="Followed By")
    stage_name = fields.Char(string="Stage")
    since = fields.Date()
    match_on = fields.Char(string="Same")
    status = fields.Selection(
        [("own", "Yours"), ("pool", "In the Pool"), ("other", "Another Salesperson's")],
        required=True,
    )
    # only set for a customer the user may open (never another salesperson's, for a salesperson)
    partner_id = fields.Many2one("res.partner", string="Customer")

    @api.model
    def _prepare_values(self, summary):
        since = summary["since"]
        # salespeople open their own and pool customers; sales managers see every customer
        can_open = summary["model"] == "res.partner" and (
            summary["status"] in ("own", "pool")
            or self.env.user.has_group("crm_lifecycle.group_crm_lifecycle_manager")
        )
        return {
            "sequence": {"other": 1, "own": 2, "pool": 3}[summary["status"]],
            "kind": "lead" if summary["model"] == "crm.lead" else "customer",
            "name": summary["name"],
            "owner_id": summary["owner"].id,
            "stage_name": summary["stage"],
            "since": since and fields.Datetime.context_timestamp(self, since).date(),
            "match_on": self.env["crm.duplicate.mixin"]._crm_duplicate_kind_labels(summary["kinds"]),
            "status": summary["status"],
            "partner_id": summary["id"] if can_open else False,
        }

    def action_open(self):
        """Open the customer found, when the user may open it."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.name,
            "res_model": "res.partner",
            "res_id": self.partner_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }
