"""The set-based recompute of crm.value.score: purchase days, aggregates, ranks, upsert."""

from odoo import models
from odoo.tools import SQL

# Where the cost of an invoice line comes from, best first (stored as a mix with the score).
COST_SOURCES = ("cogs", "sale", "standard", "none")


class CrmValueScore(models.Model):
    _inherit = "crm.value.score"

    # ------------------------------------------------------------------
    # Purchase days
    # ------------------------------------------------------------------
    def _crm_value_flush_sources(self):
        """Write pending ORM changes of everything the purchase-day SQL reads."""
        for model in (
            "account.move", "account.move.line", "account.account", "res.partner",
            "product.product", "product.template", "sale.order.line", "uom.uom",
        ):
            self.env[model].flush_model()

    def _crm_value_purchase_days_sql(self, company, date_from, date_to, partner_ids=None):
        """SQL of one company's invoiced days per commercial partner, in company currency.

        Columns of each row (one per commercial partner and day having posted product lines):

        - ``partner_id``: the commercial partner of the invoice's partner (contacts roll up,
          as they are linked today);
        - ``day``: the invoice date; a credit note counts on the invoice date of the invoice
          it reverses (``reversed_entry_id``), else on its own;
        - ``revenue``: net ``-balance`` of the ``out_invoice``/``out_refund`` product lines
          (credit notes net out, foreign currencies at their booked rate);
        - ``margin``: revenue minus cost; a line's cost is, in this order, the anglo-saxon
          COGS booked on the move for its product (expense side of the ``cogs`` lines, shared
          between the move's lines of that product by quantity), else the ``purchase_price``
          of its sale lines (``sale_margin``, mean over the linked lines) times the quantity at
          the line's booked rate (``balance / amount_currency``), else the product's current
          ``standard_price`` for the company times the quantity in the product's unit (an
          estimate), else 0 for lines without a product;
        - ``is_purchase``: the day is a purchase (net revenue > 0). **Every** invoiced day is
          returned, days netted to zero or below too, so that totals net all credit notes;
          callers count purchases with ``is_purchase``;
        - ``lines_cogs``, ``lines_sale``, ``lines_standard``, ``lines_none``: number of lines
          costed from each source; ``revenue_estimated``: revenue of the lines costed at the
          current standard price;
        - ``categ_ids``: the product categories invoiced that day (array, no NULL).

        ``date_from``/``date_to`` bound ``day`` (both included, either may be None);
        ``partner_ids`` restricts to these commercial partners. Callers flush first
        (``_crm_value_flush_sources``).
        """
        company_key = str(company.id)
        line_filters = [
            SQL("aml.company_id = %s", company.id),
            SQL("aml.parent_state = 'posted'"),
            SQL("aml.display_type = 'product'"),
            SQL("am.move_type IN ('out_invoice', 'out_refund')"),
        ]
        if partner_ids is not None:
            line_filters.append(SQL("partner.commercial_partner_id = ANY(%s)", list(partner_ids)))
        day_filters = [SQL("TRUE")]
        if date_from:
            day_filters.append(SQL("l.day >= %s", date_from))
        if date_to:
            day_filters.append(SQL("l.day <= %s", date_to))
        return SQL(
            """
            WITH lines AS (
                SELECT aml.id AS line_id,
                       aml.move_id,
                       aml.product_id,
                       partner.commercial_partner_id AS partner_id,
                       COALESCE(origin.invoice_date, am.invoice_date) AS day,
                       -aml.balance AS revenue,
                       COALESCE(aml.quantity, 0) AS quantity,
                       CASE WHEN am.move_type = 'out_refund' THEN -1 ELSE 1 END AS sign,
                       CASE WHEN COALESCE(aml.amount_currency, 0) <> 0
                            THEN aml.balance / aml.amount_currency ELSE 1 END AS rate,
                       CASE WHEN line_uom.id IS NOT NULL AND product_uom.id IS NOT NULL
                                 AND line_uom.id <> product_uom.id AND line_uom.factor <> 0
                            THEN COALESCE(aml.quantity, 0) / line_uom.factor * product_uom.factor
                            ELSE COALESCE(aml.quantity, 0) END AS product_quantity,
                       (product.standard_price ->> %(company_key)s)::numeric AS standard_price,
                       template.categ_id
                  FROM account_move_line aml
                  JOIN account_move am ON am.id = aml.move_id
                  JOIN res_partner partner ON partner.id = am.partner_id
             LEFT JOIN account_move origin ON origin.id = am.reversed_entry_id
             LEFT JOIN product_product product ON product.id = aml.product_id
             LEFT JOIN product_template template ON template.id = product.product_tmpl_id
             LEFT JOIN uom_uom line_uom ON line_uom.id = aml.product_uom_id
             LEFT JOIN uom_uom product_uom ON product_uom.id = template.uom_id
                 WHERE %(line_filters)s
            ),
            l AS (
                SELECT * FROM lines l WHERE %(day_filters)s
            ),
            cogs AS (
                SELECT cl.move_id, cl.product_id, SUM(cl.balance) AS cost
                  FROM account_move_line cl
                  JOIN account_account acc ON acc.id = cl.account_id
                 WHERE cl.move_id IN (SELECT move_id FROM l)
                   AND cl.display_type = 'cogs'
                   AND acc.account_type IN ('expense', 'expense_direct_cost')
              GROUP BY cl.move_id, cl.product_id
            ),
            move_product AS (
                SELECT move_id, product_id, SUM(quantity) AS quantity, COUNT(*) AS line_count
                  FROM l
                 WHERE product_id IS NOT NULL
              GROUP BY move_id, product_id
            ),
            sale_cost AS (
                SELECT rel.invoice_line_id AS line_id, AVG(sol.purchase_price) AS purchase_price
                  FROM sale_order_line_invoice_rel rel
                  JOIN sale_order_line sol ON sol.id = rel.order_line_id
                 WHERE rel.invoice_line_id IN (SELECT line_id FROM l)
              GROUP BY rel.invoice_line_id
            ),
            costed AS (
                SELECT l.partner_id, l.day, l.revenue, l.categ_id,
                       CASE WHEN cogs.cost IS NOT NULL THEN 'cogs'
                            WHEN sale_cost.line_id IS NOT NULL THEN 'sale'
                            WHEN l.product_id IS NOT NULL THEN 'standard'
                            ELSE 'none' END AS source,
                       CASE WHEN cogs.cost IS NOT NULL
                                THEN cogs.cost * CASE WHEN move_product.quantity <> 0
                                                      THEN l.quantity / move_product.quantity
                                                      ELSE 1.0 / move_product.line_count END
                            WHEN sale_cost.line_id IS NOT NULL
                                THEN l.sign * COALESCE(sale_cost.purchase_price, 0) * l.quantity * l.rate
                            WHEN l.product_id IS NOT NULL
                                THEN l.sign * COALESCE(l.standard_price, 0) * l.product_quantity
                            ELSE 0 END AS cost
                  FROM l
             LEFT JOIN cogs ON cogs.move_id = l.move_id AND cogs.product_id = l.product_id
             LEFT JOIN move_product ON move_product.move_id = l.move_id
                                   AND move_product.product_id = l.product_id
             LEFT JOIN sale_cost ON sale_cost.line_id = l.line_id
            )
            SELECT partner_id,
                   day,
                   SUM(revenue) AS revenue,
                   SUM(revenue - cost) AS margin,
                   SUM(revenue) > 0 AS is_purchase,
                   COUNT(*) FILTER (WHERE source = 'cogs') AS lines_cogs,
                   COUNT(*) FILTER (WHERE source = 'sale') AS lines_sale,
                   COUNT(*) FILTER (WHERE source = 'standard') AS lines_standard,
                   COUNT(*) FILTER (WHERE source = 'none') AS lines_none,
                   COALESCE(SUM(revenue) FILTER (WHERE source = 'standard'), 0) AS revenue_estimated,
                   COALESCE(ARRAY_AGG(DISTINCT categ_id) FILTER (WHERE categ_id IS NOT NULL),
                            ARRAY[]::integer[]) AS categ_ids
              FROM costed
          GROUP BY partner_id, day
            """,
            company_key=company_key,
            line_filters=SQL(" AND ").join(line_filters),
            day_filters=SQL(" AND ").join(day_filters),
        )
