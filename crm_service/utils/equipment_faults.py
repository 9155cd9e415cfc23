# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""SQL of the installed base's faults and MTBF, shared by the reports, the daily cron and the
value score (see report/crm_equipment_fault_report.py for the definitions)."""

from dateutil.relativedelta import relativedelta

from odoo.tools import SQL

#: the window of the "N faults in 12 months" rules
FAULT_WINDOW = relativedelta(months=12)


def faults_sql():
    return SQL(
        """
        SELECT c.id * 2 AS id, c.equipment_id, e.company_id, e.partner_id, e.product_id,
               e.product_tmpl_id,
               (c.create_date AT TIME ZONE 'UTC')::date AS date, 'complaint' AS source,
               c.id AS complaint_id, NULL::integer AS visit_id,
               c.category_id, c.root_cause_id, 1 AS fault_count
          FROM crm_complaint c
          JOIN crm_equipment e ON e.id = c.equipment_id
         WHERE c.equipment_id IS NOT NULL AND COALESCE(c.state, '') != 'cancelled'
        UNION ALL
        SELECT v.id * 2 + 1 AS id, v.equipment_id, e.company_id, e.partner_id, e.product_id,
               e.product_tmpl_id,
               v.scheduled_date AS date, 'visit' AS source,
               NULL::integer AS complaint_id, v.id AS visit_id,
               NULL::integer AS category_id, NULL::integer AS root_cause_id, 1 AS fault_count
          FROM crm_service_visit v
          JOIN crm_equipment e ON e.id = v.equipment_id
         WHERE v.visit_type = 'corrective' AND v.state != 'cancelled' AND v.complaint_id IS NULL
        """
    )


def mtbf_sql(as_of):
    """One row per (company, product model): equipment, operating days, faults, MTBF at ``as_of``
    (an SQL date expression)."""
    return SQL(
        """
        WITH ops AS (
            SELECT e.company_id, e.product_tmpl_id,
                   COUNT(*) AS equipment_count,
                   SUM(GREATEST(0, LEAST(COALESCE(e.retire_date, %(as_of)s), %(as_of)s) - e.install_date))
                       AS operating_days
              FROM crm_equipment e
             WHERE e.install_date IS NOT NULL AND e.install_date <= %(as_of)s AND e.active
          GROUP BY e.company_id, e.product_tmpl_id
        ), faults AS (
            SELECT f.company_id, f.product_tmpl_id, COUNT(*) AS failures
              FROM (%(faults)s) f
              JOIN crm_equipment e ON e.id = f.equipment_id
             WHERE f.date <= %(as_of)s AND e.active AND e.install_date IS NOT NULL
          GROUP BY f.company_id, f.product_tmpl_id
        )
        SELECT ops.company_id, ops.product_tmpl_id, ops.equipment_count, ops.operating_days,
               COALESCE(faults.failures, 0) AS failure_count,
               ROUND(ops.operating_days::numeric / NULLIF(faults.failures, 0), 2)::float AS mtbf_days
          FROM ops
     LEFT JOIN faults ON faults.company_id = ops.company_id AND faults.product_tmpl_id = ops.product_tmpl_id
        """,
        as_of=as_of,
        faults=faults_sql(),
    )
