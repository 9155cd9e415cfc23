from odoo import api, fields, models
from odoo.tools import SQL


class ResPartner(models.Model):
    _inherit = "res.partner"

    crm_never_contacted = fields.Boolean(
        string="Claimed, Never Contacted",
        compute="_compute_crm_never_contacted",
        search="_search_crm_never_contacted",
        help="Owned, and nobody contacted the customer since its owner took it.",
    )

    @api.depends("crm_pool_state", "owner_since", "last_contact_date")
    def _compute_crm_never_contacted(self):
        for partner in self:
            partner.crm_never_contacted = bool(
                partner.crm_pool_state == "owned"
                and partner.owner_since
                and (not partner.last_contact_date or partner.last_contact_date < partner.owner_since)
            )

    def _search_crm_never_contacted(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(f"Unsupported search on crm_never_contacted: {operator} {value!r}")
        # a domain cannot compare two fields: select the ids in SQL (indexed on the state)
        never = SQL(
            """(SELECT id FROM res_partner
                 WHERE crm_pool_state = 'owned' AND owner_since IS NOT NULL
                   AND (last_contact_date IS NULL OR last_contact_date < owner_since))"""
        )
        return [("id", "in" if (operator == "=") == value else "not in", never)]
