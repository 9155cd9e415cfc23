from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..models.crm_value_snapshot_monthly import month_end, month_ends


class CrmValueSnapshotBackfill(models.TransientModel):
    """Write the monthly snapshots of past months from the invoice history, so trends exist on
    the first day. One compute per month; months already written are skipped (resumable)."""

    _name = "crm.value.snapshot.backfill"
    _description = "Backfill Customer Value Snapshots"

    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        domain="[('id', 'in', allowed_company_ids)]",
    )
    date_from = fields.Date(
        string="From Month",
        required=True,
        default=lambda self: self._default_date_from(),
        help="The first month whose end gets snapshots.",
    )
    date_to = fields.Date(
        string="To Month",
        required=True,
        default=lambda self: fields.Date.context_today(self).replace(day=1) - relativedelta(days=1),
        help="The last month whose end gets snapshots (at the latest the last month over).",
    )
    overwrite = fields.Boolean(
        string="Recompute Written Months",
        help="Write again the months that already have snapshots (after a change of the settings or "
        "of old invoices). Unticked, they are skipped.",
    )
    month_count = fields.Integer(string="Months", compute="_compute_month_count")

    @api.model
    def _default_date_from(self):
        # the whole history window of the company: its months have invoices to read
        months = self.env.company.crm_value_history_months or 36
        return fields.Date.context_today(self) - relativedelta(months=months)

    @api.depends("date_from", "date_to")
    def _compute_month_count(self):
        for wizard in self:
            wizard.month_count = len(wizard._month_ends()) if wizard.date_from and wizard.date_to else 0

    def _month_ends(self):
        self.ensure_one()
        last_over = fields.Date.context_today(self).replace(day=1) - relativedelta(days=1)
        return month_ends(self.date_from, min(month_end(self.date_to), last_over))

    def action_backfill(self):
        self.ensure_one()
        if not self.env.user.has_group("crm_value.group_crm_value_manager"):
            raise AccessError(self.env._("Only Customer Value managers may backfill the snapshots."))
        ends = self._month_ends()
        if not ends:
            raise UserError(
                self.env._(
                    "No month is over between %(date_from)s and %(date_to)s: choose months before the "
                    "current one.",
                    date_from=self.date_from,
                    date_to=self.date_to,
                )
            )
        # sudo: managers only (checked above); the snapshots of every customer of the company are
        # written set-based, whatever records the manager may see
        done = (
            self.env["crm.value.snapshot"]
            .sudo()
            ._crm_value_snapshot_months(self.company_id, ends, overwrite=self.overwrite)
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "%(written)s month(s) of snapshots written for %(company)s, %(skipped)s already there.",
                    written=len(done),
                    company=self.company_id.name,
                    skipped=len(ends) - len(done),
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
