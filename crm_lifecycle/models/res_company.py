from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    crm_duplicate_check = fields.Boolean(
        string="Refuse Duplicate Customers",
        default=True,
        help="Refuse a new customer or lead that matches a customer already followed "
        "by another salesperson (same name, VAT, phone or email).",
    )
    crm_check_daily_limit = fields.Integer(
        string="Daily Customer Checks",
        default=200,
        help="How many lookups of Check Customer a salesperson may make a day, counted from "
        "midnight in their time zone; sales managers are not limited. 0: no limit.",
    )
    crm_cost_guard = fields.Boolean(
        string="Quotation Cost Guard",
        help="Refuse to send or confirm a quotation while a product line has no internal cost "
        "or a margin below the minimum. Sales managers may override it; the override is logged "
        "on the order.",
    )
    crm_cost_guard_min_margin = fields.Float(
        string="Minimum Margin (%)",
        help="Refuse product lines whose margin is below this percentage of the sale price. "
        "0: no minimum, only lines without cost are refused.",
    )

    @api.constrains("crm_cost_guard_min_margin")
    def _check_crm_cost_guard_min_margin(self):
        self._crm_check_setting_range("crm_cost_guard_min_margin", 0, 100, high_open=True)

    @api.constrains("crm_check_daily_limit")
    def _check_crm_check_daily_limit(self):
        self._crm_check_setting_range("crm_check_daily_limit", 0)

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        for company in companies:
            self.env["crm.pool"]._get_default(company)
        return companies

    def _crm_check_setting_range(self, fname, low, high=None, low_open=False, high_open=False):
        """Refuse the companies whose number setting ``fname`` is outside ``low`` to ``high`` (no
        upper limit when ``high`` is None; a limit is allowed unless ``low_open``/``high_open``),
        in a message that names the setting, the company, the value and the allowed range. For
        the ``@api.constrains`` of company settings, here and in the addons that depend on this one."""
        for company in self:
            value = company[fname]
            too_low = value <= low if low_open else value < low
            too_high = high is not None and (value >= high if high_open else value > high)
            if too_low or too_high:
                raise ValidationError(
                    company._crm_setting_range_message(fname, low, high, low_open, high_open)
                )

    def _crm_setting_range_message(self, fname, low, high, low_open, high_open):
        self.ensure_one()
        args = {
            "setting": self._fields[fname]._description_string(self.env),
            "company": self.name,
            "value": self[fname],
        }
        if high is None and low == 0 and not low_open:
            return self.env._("%(setting)s of %(company)s cannot be negative, not %(value)s.", **args)
        if high is not None and not (low_open or high_open):
            allowed = self.env._("between %(low)s and %(high)s", low=low, high=high)
        else:
            allowed = (
                self.env._("more than %(low)s", low=low)
                if low_open
                else self.env._("at least %(low)s", low=low)
            )
            if high is not None:
                upper = (
                    self.env._("less than %(high)s", high=high)
                    if high_open
                    else self.env._("at most %(high)s", high=high)
                )
                allowed = self.env._("%(lower)s and %(upper)s", lower=allowed, upper=upper)
        return self.env._(
            "%(setting)s of %(company)s must be %(allowed)s, not %(value)s.", allowed=allowed, **args
        )
