from odoo import api, fields, models


class CrmTalkScript(models.Model):
    _name = "crm.talk.script"
    _description = "Sales Talk Script"
    _order = "sequence, id"

    name = fields.Char(string="Title", required=True, translate=True)
    body = fields.Html(
        translate=True,
        help="What to say: the opening, the questions to ask, the answers to the usual objections.",
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        index=True,
        help="Only shown in this company. Empty: shown in every company.",
    )
    stage_ids = fields.Many2many(
        "crm.lifecycle.stage",
        "crm_talk_script_stage_rel",
        "script_id",
        "stage_id",
        string="Lifecycle Stages",
        help="Customers in these stages get the script. Empty: every stage.",
    )
    product_category_ids = fields.Many2many(
        "product.category",
        "crm_talk_script_product_category_rel",
        "script_id",
        "category_id",
        string="Product Categories",
        help="Products the script is about, to find it from the Talk Scripts menu.",
    )
    tag_ids = fields.Many2many(
        "crm.tag",
        "crm_talk_script_tag_rel",
        "script_id",
        "tag_id",
        string="Tags",
        help="Leads and opportunities with one of these tags get the script. Empty: every lead.",
    )

    @api.model
    def _crm_scripts_for(self, records, stage_of, tags_of=None):
        """Match the scripts of the current user's companies to ``records`` in one search.

        :param records: partners or leads
        :param stage_of: function giving a record's lifecycle stage (may be empty)
        :param tags_of: function giving a record's ``crm.tag`` records; None: tags are ignored
        :return: dict record -> matching scripts, in script order
        """
        stages = self.env["crm.lifecycle.stage"].union(*(stage_of(record) for record in records))
        scripts = self.search(["|", ("stage_ids", "=", False), ("stage_ids", "in", stages.ids)])
        result = {}
        for record in records:
            stage = stage_of(record)
            company = record.company_id or self.env.company
            tags = tags_of(record) if tags_of else None
            result[record] = scripts.filtered(
                lambda script, stage=stage, company=company, tags=tags: script._crm_applies_to(
                    stage, company, tags
                )
            )
        return result

    def _crm_applies_to(self, stage, company, tags=None):
        """Whether the script is for a customer in ``stage`` of ``company`` with ``tags``."""
        self.ensure_one()
        if self.company_id and self.company_id != company:
            return False
        if self.stage_ids and stage not in self.stage_ids:
            return False
        return tags is None or not self.tag_ids or bool(self.tag_ids & tags)
