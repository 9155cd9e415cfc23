from odoo import api, fields, models

from .crm_internal import LEAD_HOOKS_LATER, LEAD_MERGE, defer, marked


class CrmLead(models.Model):
    _name = "crm.lead"
    _inherit = ["crm.lead", "crm.duplicate.mixin"]

    partner_lifecycle_stage_id = fields.Many2one(
        related="partner_id.commercial_partner_id.lifecycle_stage_id",
        string="Customer Stage",
    )
    partner_owner_id = fields.Many2one(
        related="partner_id.commercial_partner_id.user_id",
        string="Customer Owner",
    )
    crm_talk_script_ids = fields.Many2many(
        "crm.talk.script",
        compute="_compute_crm_talk_script_ids",
        string="Talk Scripts",
        groups="crm_lifecycle.group_crm_lifecycle_user",
        help="The talk scripts for the customer's lifecycle stage and the tags of the lead.",
    )

    @api.depends("partner_lifecycle_stage_id", "tag_ids", "company_id")
    @api.depends_context("company")
    def _compute_crm_talk_script_ids(self):
        scripts = self.env["crm.talk.script"]._crm_scripts_for(
            self, lambda lead: lead.partner_lifecycle_stage_id, lambda lead: lead.tag_ids
        )
        for lead in self:
            lead.crm_talk_script_ids = scripts[lead]

    def _compute_potential_lead_duplicates(self):
        # sudo: Odoo looks for similar leads as administrator already (email, phone); the
        # commercial entity of the customer is read the same way, as the customer may belong
        # to another salesperson, whose customers the record rules hide
        return super(CrmLead, self.sudo())._compute_potential_lead_duplicates()

    @api.model
    def _crm_duplicate_against_leads(self):
        # leads among themselves are Odoo's own deduplication (similar leads, merge)
        return False

    @api.model
    def _crm_duplicate_refuse_own_and_pool(self):
        # a new lead for one's own or a pool customer is new business, not a duplicate
        return False

    @api.model_create_multi
    def create(self, vals_list):
        bypass_reasons = self._crm_duplicate_pop_bypass_reasons(vals_list)
        leads = super().create(vals_list)
        leads._crm_duplicate_check(dict(zip(leads.ids, bypass_reasons, strict=True)))
        leads._crm_lifecycle_lead_effects()
        return leads

    def write(self, vals):
        vals, duplicate_watch = self._crm_duplicate_watch(vals)
        result = super().write(vals)
        self._crm_duplicate_check_write(duplicate_watch)
        if "partner_id" in vals or "type" in vals or "stage_id" in vals:
            self._crm_lifecycle_lead_effects(claim="partner_id" in vals or "type" in vals)
        return result

    def _crm_lifecycle_lead_effects(self, claim=True):
        """Claim the pool customers of the opportunities and move their stages; during a
        conversion (see crm.lead2opportunity.partner) once at its end for all its leads."""
        if defer(self, LEAD_HOOKS_LATER):
            return
        if claim:
            self._crm_claim_pool_customers()
        self._crm_lifecycle_on_lead()

    def _crm_claim_pool_customers(self):
        """An opportunity for a pool customer claims it for the opportunity's salesperson."""
        opportunities = self.filtered(lambda lead: lead.type == "opportunity" and lead.active)
        self.env["res.partner"]._crm_claim_from_documents(opportunities, "lead")

    def action_set_lost(self, **additional_values):
        result = super().action_set_lost(**additional_values)
        self._crm_lifecycle_on_lost()
        return result

    def _crm_lifecycle_on_lead(self):
        """A lead makes its customer qualified; a potential stage makes it potential."""
        with_partner = self.filtered(lambda lead: lead.partner_id and lead.active)
        potential = with_partner.filtered("stage_id.is_potential")
        Partner = self.env["res.partner"]
        Partner._crm_set_stage_from_documents(with_partner - potential, "qualified", "lead")
        Partner._crm_set_stage_from_documents(potential, "potential", "lead")

    def _crm_lifecycle_on_lost(self):
        lost = self.filtered(lambda lead: lead.partner_id and lead.lost_reason_id.is_invalid_customer)
        if not lost:
            return
        partners = lost.partner_id.commercial_partner_id
        domain_partner = [("partner_id", "child_of", partners.ids)]
        # sudo: the customer's other open business counts whoever follows it, also the leads and
        # orders of colleagues the user may not see; only the partners are read
        open_leads = (
            self.env["crm.lead"]
            .sudo()
            ._read_group(
                domain_partner + [("active", "=", True), ("probability", "<", 100)],
                ["partner_id"],
            )
        )
        open_orders = (
            self.env["sale.order"]
            .sudo()
            ._read_group(
                domain_partner + [("state", "in", ("draft", "sent", "sale"))],
                ["partner_id"],
            )
        )
        busy = self.env["res.partner"].union(*(row[0] for row in open_leads + open_orders))
        busy = busy.commercial_partner_id.with_env(self.env)
        for reason, leads in lost.grouped("lost_reason_id").items():
            free = leads.filtered(lambda lead: lead.partner_id.commercial_partner_id not in busy)
            by_partner = {lead.partner_id.commercial_partner_id: lead for lead in free}
            self.env["res.partner"].union(*by_partner)._crm_set_stage(
                "invalid", reason=reason.name, trigger="lead", document=by_partner
            )

    # ------------------------------------------------------------------
    # Duplicate check (crm.duplicate.mixin)
    # ------------------------------------------------------------------
    @api.model
    def _crm_key_depends(self):
        return ["partner_name", "phone", "mobile", "email_from", "country_id", "company_id"]

    def _crm_key_source(self):
        return {
            "name": self.partner_name,
            "phone": self.phone,
            "mobile": self.mobile,
            "email": self.email_from,
            "country": (self.country_id or self.company_id.country_id or self.env.company.country_id).code,
        }

    @api.model
    def _crm_duplicate_trigger_fields(self):
        return super()._crm_duplicate_trigger_fields() | {"partner_id"}

    def _merge_opportunity(self, user_id=False, team_id=False, auto_unlink=True, max_length=5):
        # the merged leads are one customer: the head takes the others' keys without refusal
        with marked(self, LEAD_MERGE):
            return super()._merge_opportunity(user_id, team_id, auto_unlink, max_length)

    def _crm_duplicate_checkable(self):
        # a lead of an existing customer is no new customer: that customer was checked
        return self.filtered(lambda lead: lead.active and not lead.partner_id)

    def _crm_duplicate_summary(self):
        return {
            "name": self.partner_name or self.contact_name or self.name,
            "owner": self.user_id,
            "since": self.date_open or self.create_date,
            "stage": self.stage_id.name,
        }
