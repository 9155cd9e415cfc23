from odoo import api, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    crm_value_escalated_date = fields.Datetime(
        string="Escalated Instead of Released",
        copy=False,
        readonly=True,
        help="When the release cron last held this customer of an escalated value class with its "
        "owner and gave the sales manager an activity. One activity per ownership cycle.",
    )

    def _crm_pool_activity_types(self, kind=None):
        # the escalation goes with the customer when it changes hands, as the pool's own activities
        types = super()._crm_pool_activity_types(kind)
        if kind in (None, "escalation"):
            types |= (
                self.env.ref("crm_value.mail_activity_type_crm_value_escalation", raise_if_not_found=False)
                or (self.env["mail.activity.type"])
            )
        return types

    @api.model
    def _crm_refresh_schedule(self, partners=None, pools=None, ids=None):
        # the schedule reads the customers' value classes (crm.pool._schedule_level_filter)
        self.env["crm.value.score"].flush_model(["partner_id", "company_id", "abc_class"])
        return super()._crm_refresh_schedule(partners=partners, pools=pools, ids=ids)
