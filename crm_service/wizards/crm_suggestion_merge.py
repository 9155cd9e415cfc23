from odoo import api, fields, models


class CrmSuggestionMerge(models.TransientModel):
    """Merge duplicate suggestions into the one kept: votes (one per customer), messages,
    attachments, activities and followers move; the others become duplicates pointing to it."""

    _name = "crm.suggestion.merge"
    _description = "Merge Suggestions"

    suggestion_ids = fields.Many2many("crm.suggestion", string="Suggestions")
    target_id = fields.Many2one(
        "crm.suggestion",
        string="Keep",
        required=True,
        domain="[('id', 'in', suggestion_ids)]",
        help="The suggestion that stays; the others become its duplicates.",
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get("active_model") == "crm.suggestion" and self.env.context.get("active_ids"):
            suggestions = self.env["crm.suggestion"].browse(self.env.context["active_ids"]).exists()
            suggestions = suggestions.filtered(lambda suggestion: suggestion.state != "duplicate")
            values["suggestion_ids"] = [fields.Command.set(suggestions.ids)]
            # keep the one most customers asked for, the oldest when even
            kept = suggestions.sorted(lambda suggestion: (-suggestion.vote_count, suggestion.id))[:1]
            values["target_id"] = kept.id
        return values

    def action_merge(self):
        self.ensure_one()
        target = self.target_id
        sources = self.suggestion_ids - target
        target._crm_merge(sources)
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.suggestion",
            "res_id": target.id,
            "view_mode": "form",
            "target": "current",
        }
