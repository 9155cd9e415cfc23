from odoo import api, fields, models
from odoo.tools import SQL

# The documents whose salesperson reads their customer (record rule
# res_partner_rule_crm_document): (table, salesperson column, extra condition).
CRM_DOCUMENT_TABLES = (
    ("sale_order", "user_id", SQL("TRUE")),
    ("account_move", "invoice_user_id", SQL("TRUE")),
    ("crm_lead", "user_id", SQL("d.type = 'opportunity'")),
)


# one concern per file, by design (issue 11): see res_partner.py's docstring
class ResPartner(models.Model):
    """Who reads a customer through their own documents.

    The record rule ``res_partner_rule_crm_document`` used to follow the customer's
    ``sale_order_ids``, ``invoice_ids`` and ``opportunity_ids``. Odoo 18 checks the rules
    of records already read with ``sudo().filtered_domain(rule)``: those one2many fields
    were then read as superuser, and that cache, shared with the user's environment,
    gave everyone who then read ``partner.sale_order_ids`` (a mail template, a report)
    every order of the customer, others' included. The rule now names this field, read
    in SQL: it caches users, never the documents.
    """

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    crm_document_user_ids = fields.Many2many(
        "res.users",
        string="Salespeople of Documents",
        compute="_compute_crm_document_user_ids",
        search="_search_crm_document_user_ids",
        help="The salespeople of the orders, invoices and opportunities of this commercial entity "
        "and its contacts: they read the customer, even when another salesperson owns it.",
    )

    @api.depends(
        *(
            f"{prefix}{path}"
            for prefix in ("", "child_ids.")
            for path in ("sale_order_ids.user_id", "invoice_ids.invoice_user_id", "opportunity_ids.user_id")
        )
    )
    def _compute_crm_document_user_ids(self):
        users = dict.fromkeys(self.ids, ())
        if self.ids:
            self._crm_flush_documents()
            self.env.cr.execute(
                SQL(
                    "SELECT c.id, array_agg(DISTINCT docs.user_id) FROM res_partner c "
                    "JOIN res_partner p ON p.commercial_partner_id = c.id "
                    "JOIN (%s) docs ON docs.partner_id = p.id "
                    "WHERE c.id = ANY(%s) GROUP BY c.id",
                    self._crm_documents_query(),
                    self.ids,
                )
            )
            users.update(self.env.cr.fetchall())
        for partner in self:
            partner.crm_document_user_ids = [fields.Command.set(users.get(partner.id, ()))]

    def _search_crm_document_user_ids(self, operator, value):
        if operator not in ("=", "in") or not value:
            return NotImplemented
        user_ids = list(value) if isinstance(value, (list, tuple)) else [value]
        self._crm_flush_documents()
        return [
            (
                "id",
                "in",
                SQL(
                    "(SELECT p.commercial_partner_id FROM res_partner p "
                    "JOIN (%s) docs ON docs.partner_id = p.id WHERE docs.user_id = ANY(%s))",
                    self._crm_documents_query(),
                    user_ids,
                ),
            )
        ]

    @api.model
    def _crm_documents_query(self):
        """(partner_id, user_id) of every document whose salesperson reads its customer."""
        return SQL(" UNION ALL ").join(
            SQL(
                # partner_id IS NOT NULL: the partial indexes of the salesperson and customer
                "SELECT d.partner_id, d.%s AS user_id FROM %s d "
                "WHERE d.partner_id IS NOT NULL AND d.%s IS NOT NULL AND %s",
                SQL.identifier(column),
                SQL.identifier(table),
                SQL.identifier(column),
                condition,
            )
            for table, column, condition in CRM_DOCUMENT_TABLES
        )

    @api.model
    def _crm_flush_documents(self):
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        self.env["sale.order"].flush_model(["partner_id", "user_id"])
        self.env["account.move"].flush_model(["partner_id", "invoice_user_id"])
        self.env["crm.lead"].flush_model(["partner_id", "user_id", "type"])
