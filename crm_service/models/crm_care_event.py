# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL
from odoo.tools.sql import create_index

CARE_EVENT_STATES = [
    ("due", "Due"),
    ("done", "Done"),
    ("cancelled", "Cancelled"),
]
CARE_OUTCOMES = [
    ("reached", "Reached"),
    ("no_answer", "No Answer"),
    ("new_need", "New Need"),
    ("complaint", "Complaint"),
    ("upsell", "Upsell"),
]
#: days after the care was done in which a confirmed order counts as following it
FOLLOWED_ORDER_DAYS = 60
#: written by the cron and the actions (Done, Cancel), never by a user's plain write
CARE_EVENT_BOOKKEEPING = frozenset(
    {
        "rule_id",
        "partner_id",
        "company_id",
        "period_key",
        "due_date",
        "state",
        "outcome",
        "done_date",
        "done_uid",
        "action_applied",
        "activity_id",
        "complaint_id",
        "contact_id",
    }
)


class CrmCareEvent(models.Model):
    """One care action due for a customer: recorded by the care cron, done by a person."""

    _name = "crm.care.event"
    _description = "Customer Care Event"
    _inherit = ["mail.thread"]
    _order = "due_date desc, id desc"
    _check_company_auto = True

    rule_id = fields.Many2one(
        "crm.care.rule", string="Care Rule", required=True, index=True, ondelete="cascade", readonly=True
    )
    trigger = fields.Selection(related="rule_id.trigger")
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, ondelete="cascade", readonly=True
    )
    contact_id = fields.Many2one(
        "res.partner", ondelete="set null", readonly=True, help="Birthday: whose it is."
    )
    period_key = fields.Char(
        required=True,
        readonly=True,
        help="The occasion: the year of an anniversary, the cycle of a periodic rule, the complaint...",
    )
    due_date = fields.Date(required=True, index=True, readonly=True)
    done_date = fields.Date(readonly=True)
    done_uid = fields.Many2one("res.users", string="Done By", readonly=True)
    state = fields.Selection(
        CARE_EVENT_STATES, required=True, default="due", index=True, readonly=True, tracking=True
    )
    user_id = fields.Many2one(
        "res.users", string="Responsible", index=True, tracking=True, domain="[('share', '=', False)]"
    )
    outcome = fields.Selection(CARE_OUTCOMES, readonly=True, tracking=True)
    complaint_id = fields.Many2one("crm.complaint", index="btree_not_null", readonly=True)
    activity_id = fields.Many2one("mail.activity", ondelete="set null", readonly=True)
    note = fields.Html()
    action_applied = fields.Boolean(
        readonly=True, default=False, help="The rule's action (activity, e-mail, plan) was applied."
    )
    followed_order_count = fields.Integer(
        string="Orders That Followed",
        compute="_compute_followed_orders",
        help=f"Confirmed sale orders of the customer within {FOLLOWED_ORDER_DAYS} days after the care "
        "was done.",
    )
    followed_amount = fields.Monetary(
        string="Amount That Followed", compute="_compute_followed_orders", currency_field="currency_id"
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    color = fields.Integer(compute="_compute_color")

    _sql_constraints = [
        (
            "rule_partner_key_unique",
            "unique(rule_id, partner_id, period_key)",
            "A care rule gives a customer one event per occasion.",
        ),
    ]

    def init(self):
        # the cron's queue of events whose action is still to apply
        create_index(
            self.env.cr,
            "crm_care_event_pending_idx",
            self._table,
            ["rule_id", "id"],
            where="NOT action_applied AND state = 'due'",
        )
        # the quiet period: the latest events of a customer
        create_index(self.env.cr, "crm_care_event_partner_due_idx", self._table, ["partner_id", "due_date"])

    def _compute_display_name(self):
        for event in self:
            event.display_name = f"{event.rule_id.name} - {event.partner_id.display_name}"

    @api.depends("state", "due_date")
    def _compute_color(self):
        today = fields.Date.context_today(self)
        for event in self:
            event.color = 1 if event.state == "due" and event.due_date and event.due_date < today else 0

    def _compute_followed_orders(self):
        """One query for the whole recordset: orders confirmed in the 60 days after each done date."""
        done = self.filtered(lambda event: event.state == "done" and event.done_date and event.id)
        figures = {}
        if done:
            self.env["sale.order"].flush_model(
                ["partner_id", "state", "date_order", "company_id", "amount_untaxed"]
            )
            self.env.cr.execute(
                SQL(
                    """SELECT e.id, count(so.id),
                              COALESCE(SUM(so.amount_untaxed / COALESCE(NULLIF(so.currency_rate, 0), 1)), 0)
                         FROM crm_care_event e
                         JOIN res_partner buyer ON buyer.commercial_partner_id = e.partner_id
                         JOIN sale_order so ON so.partner_id = buyer.id AND so.company_id = e.company_id
                                           AND so.state = 'sale'
                                           AND so.date_order >= e.done_date
                                           AND so.date_order < e.done_date + %(days)s + 1
                        WHERE e.id IN %(ids)s
                     GROUP BY e.id""",
                    days=FOLLOWED_ORDER_DAYS,
                    ids=tuple(done.ids),
                )
            )
            figures = {row[0]: row[1:] for row in self.env.cr.fetchall()}
        for event in self:
            count, amount = figures.get(event.id, (0, 0.0))
            event.followed_order_count = count
            event.followed_amount = amount

    @api.model_create_multi
    def create(self, vals_list):
        # events are the cron's records; a manager may record one by hand (e.g. an imported history)
        if not self.env.su and not self.env.user.has_group("crm_service.group_crm_service_manager"):
            raise AccessError(
                self.env._("Care events are recorded by the care rules; they cannot be created by hand.")
            )
        return super().create(vals_list)

    def write(self, vals):
        written = CARE_EVENT_BOOKKEEPING & set(vals)
        if written and not self.env.su:
            raise AccessError(
                self.env._(
                    "%(fields)s of a care event are kept by the care cron and its buttons (Done, Cancel); "
                    "they cannot be written by hand.",
                    fields=", ".join(
                        self._fields[name]._description_string(self.env) for name in sorted(written)
                    ),
                )
            )
        return super().write(vals)

    # ------------------------------------------------------------------ actions

    def action_open_done_wizard(self):
        self.check_access("write")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Care Done"),
            "res_model": "crm.care.event.done",
            "view_mode": "form",
            "target": "new",
            "context": {"default_event_ids": self.ids},
        }

    def action_done(self, outcome, note=None):
        """The care was given (or tried): record the outcome. By whoever may edit the event."""
        if outcome not in dict(CARE_OUTCOMES):
            raise UserError(self.env._("Choose the outcome of the care (reached, no answer, ...)."))
        # the user must be allowed to edit these events (record rules: own work, own customers)
        self.check_access("write")
        not_due = self.filtered(lambda event: event.state != "due")
        if not_due:
            raise UserError(
                self.env._(
                    "%(events)s: only a care event still due can be marked done.",
                    events=", ".join(not_due.mapped("display_name")),
                )
            )
        today = fields.Date.context_today(self)
        vals = {"state": "done", "outcome": outcome, "done_date": today, "done_uid": self.env.uid}
        # the bookkeeping of the events the user may edit (checked above)
        self.sudo().write(vals)
        if note:
            for event in self:
                event.note = (event.note or "") + note
        activities = self.sudo().activity_id
        if activities:
            # the activity of the care is done with it (the user's own or one they may edit)
            label = dict(self._fields["outcome"]._description_selection(self.env))[outcome]
            activities.action_feedback(feedback=label)
        return True

    def action_cancel(self):
        self.check_access("write")
        # bookkeeping of events the user may edit (checked above)
        self.sudo().filtered(lambda event: event.state == "due").write({"state": "cancelled"})
        self.sudo().activity_id.unlink()
        return True

    def action_view_partner(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.partner",
            "res_id": self.partner_id.id,
            "view_mode": "form",
        }
