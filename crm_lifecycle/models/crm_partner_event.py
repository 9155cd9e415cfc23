from odoo import api, fields, models
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
