from odoo import SUPERUSER_ID, api, fields, models
from odoo.tools import SQL

EVENT_TYPES = [
    ("stage", "Stage Change"),
    ("claim", "Claim"),
    ("release", "Release"),
    ("assign", "Assignment"),
    ("transfer", "Transfer"),
    ("import", "Import"),
    ("warning", "Timeout Warning"),
]
TRIGGERS = [
    ("manual", "Manual"),
    ("lead", "Lead"),
    ("quotation", "Quotation"),
    ("order", "Sales Order"),
    ("invoice", "Invoice"),
    ("import", "Import"),
    ("timeout", "Timeout"),
    ("user_archived", "User Archived"),
    ("rule", "Rule"),
]


class CrmPartnerEvent(models.Model):
    """One timeline for every change that matters on a customer."""

    _name = "crm.partner.event"
    _description = "Customer Timeline Event"
    _order = "date desc, id desc"
    _rec_name = "event_type"

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, ondelete="cascade"
    )
    event_type = fields.Selection(EVENT_TYPES, string="Event", required=True, index=True)
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    user_id = fields.Many2one("res.users", string="Done By", default=lambda self: self.env.user)
    from_user_id = fields.Many2one("res.users", string="From Salesperson")
    to_user_id = fields.Many2one("res.users", string="To Salesperson")
    from_stage_id = fields.Many2one("crm.lifecycle.stage", ondelete="restrict")
    to_stage_id = fields.Many2one("crm.lifecycle.stage", index=True, ondelete="restrict")
    reason = fields.Text()
    trigger = fields.Selection(TRIGGERS, required=True, default="manual")
    document_model = fields.Char()
    document_id = fields.Many2oneReference(model_field="document_model")
    document_name = fields.Char(string="Source Document")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    team_id = fields.Many2one("crm.team", string="Sales Team", related="partner_id.crm_team_id")
    pool_id = fields.Many2one("crm.pool", index=True, ondelete="set null")

    @api.depends("event_type", "to_stage_id", "partner_id")
    def _compute_display_name(self):
        labels = dict(self._fields["event_type"]._description_selection(self.env))
        for event in self:
            label = labels.get(event.event_type, "")
            if event.to_stage_id:
                label = f"{label}: {event.to_stage_id.name}"
            # sudo: the customer's name only; a past owner keeps seeing the events they took part in
            event.display_name = f"{event.partner_id.sudo().display_name} - {label}"

    def action_open_document(self):
        self.ensure_one()
        if not self.document_model or not self.document_id:
            return False
        return {
            "type": "ir.actions.act_window",
            "res_model": self.document_model,
            "res_id": self.document_id,
            "view_mode": "form",
        }

    @api.model
    def _set_initial_stages(self):
        """Stage each unmanaged commercial partner from its documents (install hook)."""
        Stage = self.env["crm.lifecycle.stage"]
        stages = {code: Stage._get_by_code(code).id for code in ("qualified", "opportunity", "customer")}
        self.env.flush_all()
        now = SQL("(now() at time zone 'UTC')")
        self.env.cr.execute(
            SQL(
                """
                WITH docs AS (
                    SELECT p.commercial_partner_id AS pid, %(customer)s AS stage_id
                      FROM account_move m JOIN res_partner p ON p.id = m.partner_id
                     WHERE m.move_type = 'out_invoice' AND m.state = 'posted'
                    UNION ALL
                    SELECT p.commercial_partner_id,
                           CASE WHEN o.state = 'sale' THEN %(customer)s ELSE %(opportunity)s END
                      FROM sale_order o JOIN res_partner p ON p.id = o.partner_id
                     WHERE o.state IN ('draft', 'sent', 'sale')
                    UNION ALL
                    SELECT p.commercial_partner_id, %(qualified)s
                      FROM crm_lead l JOIN res_partner p ON p.id = l.partner_id
                     WHERE l.active
                ), best AS (
                    SELECT DISTINCT ON (docs.pid) docs.pid, docs.stage_id
                      FROM docs JOIN crm_lifecycle_stage s ON s.id = docs.stage_id
                     WHERE docs.pid IS NOT NULL
                  ORDER BY docs.pid, s.sequence DESC
                ), staged AS (
                    UPDATE res_partner rp
                       SET lifecycle_stage_id = best.stage_id, lifecycle_stage_date = %(now)s
                      FROM best
                     WHERE rp.id = best.pid AND rp.lifecycle_stage_id IS NULL
                 RETURNING rp.id, rp.lifecycle_stage_id, rp.company_id
                ), events AS (
                    INSERT INTO crm_partner_event
                           (partner_id, event_type, date, user_id, to_stage_id, trigger, reason,
                            company_id, create_uid, write_uid, create_date, write_date)
                    SELECT staged.id, 'stage', %(now)s, %(uid)s, staged.lifecycle_stage_id, 'rule',
                           %(reason)s, COALESCE(staged.company_id, %(company)s), %(uid)s, %(uid)s,
                           %(now)s, %(now)s
                      FROM staged
                 RETURNING partner_id
                )
                UPDATE res_partner child
                   SET lifecycle_stage_id = staged.lifecycle_stage_id, lifecycle_stage_date = %(now)s
                  FROM staged
                 WHERE child.commercial_partner_id = staged.id AND child.id != staged.id
                """,
                now=now,
                uid=self.env.uid,
                company=self.env.company.id,
                reason=self.env._("Stage set at installation from the existing documents."),
                **stages,
            )
        )
        self.env["res.partner"].invalidate_model(["lifecycle_stage_id", "lifecycle_stage_date"])

    @api.model
    def _demo_spread_history(self):
        """Demo data: give the timeline written by the demo a past (the demo moves all happen at once).

        Only the events created in the current transaction move, each customer's in its own
        order: the first one up to a year ago, the last one a few days ago or the day before
        the customer's first invoice. Customers, quotations and orders follow their events.
        Deterministic: the places derive from the ids, not from a random draw.
        """
        self.env.flush_all()
        now = self.env.cr.now()
        today = now.replace(hour=0, minute=0, second=0, microsecond=0)
        self.env.cr.execute(
            SQL(
                """
                WITH steps AS (
                    SELECT event.id, event.partner_id,
                           ROW_NUMBER() OVER (
                               PARTITION BY event.partner_id ORDER BY event.date, event.id
                           ) AS step
                      FROM crm_partner_event event
                     WHERE event.create_date >= %(now)s
                ), weights AS (
                    SELECT id, partner_id, step,
                           CASE WHEN step = 1 THEN 0 ELSE 2 + MOD(partner_id * 7 + step * 13, 9) END AS weight
                      FROM steps
                ), placed AS (
                    SELECT id, partner_id,
                           SUM(weight) OVER (PARTITION BY partner_id ORDER BY step) AS done,
                           SUM(weight) OVER (PARTITION BY partner_id) + 1 + MOD(partner_id, 4) AS total
                      FROM weights
                ), first_invoice AS (
                    SELECT partner.commercial_partner_id AS partner_id, MIN(move.invoice_date) AS invoice_date
                      FROM account_move move
                      JOIN res_partner partner ON partner.id = move.partner_id
                     WHERE move.move_type = 'out_invoice' AND move.state = 'posted'
                  GROUP BY partner.commercial_partner_id
                ), bounds AS (
                    SELECT partner.id AS partner_id, partner.user_id,
                           LEAST(
                               %(today)s - MAKE_INTERVAL(days => 1 + MOD(partner.id, 5)),
                               COALESCE(first_invoice.invoice_date - 1, %(today)s)
                           ) AS end_at,
                           30 + MOD(partner.id * 53, 320) AS span_days
                      FROM res_partner partner
                 LEFT JOIN first_invoice ON first_invoice.partner_id = partner.id
                     WHERE partner.id IN (SELECT partner_id FROM placed)
                ), spans AS (
                    SELECT partner_id, user_id, end_at,
                           GREATEST(
                               end_at - MAKE_INTERVAL(days => span_days), %(today)s - INTERVAL '365 days'
                           ) AS start_at
                      FROM bounds
                ), moved AS (
                    UPDATE crm_partner_event event
                       SET date = DATE_TRUNC(
                               'second',
                               spans.start_at
                               + (spans.end_at - spans.start_at) * (placed.done::float / placed.total)
                               + MAKE_INTERVAL(hours => 8 + MOD(event.id, 9))
                           ),
                           user_id = CASE WHEN event.user_id = %(superuser)s
                                          THEN COALESCE(spans.user_id, event.user_id) ELSE event.user_id END
                      FROM placed
                      JOIN spans ON spans.partner_id = placed.partner_id
                     WHERE event.id = placed.id
                 RETURNING event.partner_id, event.event_type, event.date,
                           event.document_model, event.document_id
                ), partners AS (
                    UPDATE res_partner partner
                       SET lifecycle_stage_date = last_move.date
                      FROM (SELECT partner_id, MAX(date) AS date FROM moved
                             WHERE event_type = 'stage' GROUP BY partner_id) last_move
                     WHERE partner.commercial_partner_id = last_move.partner_id
                       AND partner.lifecycle_stage_id IS NOT NULL
                )
                UPDATE sale_order sale
                   SET date_order = document.date
                  FROM (SELECT document_id, MAX(date) AS date FROM moved
                         WHERE document_model = 'sale.order' GROUP BY document_id) document
                 WHERE sale.id = document.document_id
                """,
                now=now,
                today=today,
                superuser=SUPERUSER_ID,
            )
        )
        self.invalidate_model(["date", "user_id"])
        self.env["res.partner"].invalidate_model(["lifecycle_stage_date"])
        self.env["sale.order"].invalidate_model(["date_order"])
