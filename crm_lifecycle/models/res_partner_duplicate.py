from odoo import api, models


# one concern per file, by design (issue 11): see res_partner.py's docstring
class ResPartner(models.Model):
    """The duplicate check of customers (crm.duplicate.mixin): keys, scope and summary."""

    _name = "res.partner"
    _inherit = ["res.partner", "crm.duplicate.mixin"]  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _crm_key_depends(self):
        return ["name", "is_company", "vat", "phone", "mobile", "email", "country_id", "company_id"]

    def _crm_key_source(self):
        # a person's name is no key: many people share one
        return {
            "name": self.name if self.is_company else False,
            "vat": self.vat,
            "phone": self.phone,
            "mobile": self.mobile,
            "email": self.email,
            "country": (self.country_id or self.company_id.country_id or self.env.company.country_id).code,
        }

    @api.model
    def _crm_duplicate_trigger_fields(self):
        return super()._crm_duplicate_trigger_fields() | {"lifecycle_stage_id", "parent_id"}

    def _crm_duplicate_checkable(self):
        # contacts follow their company; partners outside the CRM flow are never refused
        return self.filtered(
            lambda partner: (
                partner.active and partner.lifecycle_stage_id and partner.commercial_partner_id == partner
            )
        )

    def _crm_duplicate_summary(self):
        return {
            "name": self.name,
            "owner": self.user_id,
            "since": self.owner_since or self.create_date,
            "stage": self.lifecycle_stage_id.name,
            "pool": self.crm_pool_id,
        }
