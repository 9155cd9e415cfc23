from odoo import fields, models, tools
from odoo.tools import SQL

# Aggregator of the fields read as a median instead of a sum or an average.
MEDIAN_AGGREGATOR = "median"


class CrmLifecycleFunnelReport(models.Model):
    """One row per entry of a customer into a lifecycle stage, read from the timeline.

    A stage entry ends with the customer's next stage event. The customer
    *converted* from the stage when that next event moved it forward: to a stage
    of higher sequence that is not a lost stage. The time spent in the stage runs
    until that next event, or until now when the customer is still there.
    """

    _name = "crm.lifecycle.funnel.report"
    _description = "Lifecycle Funnel Analysis"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "partner_id"

    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    stage_id = fields.Many2one("crm.lifecycle.stage", readonly=True)
    date = fields.Datetime(string="Entered On", readonly=True)
    next_stage_id = fields.Many2one(
        "crm.lifecycle.stage",
        readonly=True,
        help="The stage the customer moved to when it left this stage; empty while it is still there.",
    )
    left_date = fields.Datetime(string="Left On", readonly=True)
    is_current = fields.Boolean(
        string="Still in Stage", readonly=True, help="The customer has not left this stage yet."
    )
    converted = fields.Boolean(
        readonly=True,
        help="The customer left this stage forward, to a stage of higher sequence that is not a lost stage.",
    )
    conversion_rate = fields.Float(
        string="Conversion Rate (%)",
        aggregator="avg",
        readonly=True,
        help="Share of the entries into the stage that moved forward to a later stage.",
    )
    days_in_stage = fields.Float(
        string="Average Days in Stage",
        aggregator="avg",
        readonly=True,
        help="Days until the customer's next stage change, or until now while it is still in the stage.",
    )
    median_days = fields.Float(
        string="Median Days in Stage",
        aggregator=MEDIAN_AGGREGATOR,
        readonly=True,
        help="Median of the days spent in the stage: half of the customers left it sooner.",
    )
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    country_id = fields.Many2one("res.country", readonly=True)
    industry_id = fields.Many2one("res.partner.industry", readonly=True)
    source_id = fields.Many2one("utm.source", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %(view)s AS (%(query)s)",
                view=SQL.identifier(self._table),
                query=self._query(),
            )
        )

    def _query(self):
        days = SQL(
            "EXTRACT(EPOCH FROM COALESCE(entry.left_date, NOW() AT TIME ZONE 'UTC') - entry.date) / 86400.0"
        )
        # a forward move to a stage that is not lost; booleans never set are NULL in the table
        converted = SQL(
            "COALESCE(next_stage.sequence > stage.sequence"
            " AND NOT COALESCE(next_stage.is_lost, FALSE), FALSE)"
        )
        return SQL(
            """
            WITH entry AS (
                SELECT event.id,
                       event.partner_id,
                       event.to_stage_id AS stage_id,
                       event.date,
                       event.company_id,
                       LEAD(event.to_stage_id) OVER partner_timeline AS next_stage_id,
                       LEAD(event.date) OVER partner_timeline AS left_date
                  FROM crm_partner_event event
                 WHERE event.event_type IN ('stage', 'import') AND event.to_stage_id IS NOT NULL
                WINDOW partner_timeline AS (PARTITION BY event.partner_id ORDER BY event.date, event.id)
            )
            SELECT entry.id,
                   entry.partner_id,
                   entry.stage_id,
                   entry.date,
                   entry.next_stage_id,
                   entry.left_date,
                   entry.left_date IS NULL AS is_current,
                   %(converted)s AS converted,
                   CASE WHEN %(converted)s THEN 100.0 ELSE 0.0 END AS conversion_rate,
                   (%(days)s)::double precision AS days_in_stage,
                   (%(days)s)::double precision AS median_days,
                   partner.user_id,
                   partner.crm_team_id AS team_id,
                   partner.country_id,
                   partner.industry_id,
                   partner.crm_source_id AS source_id,
                   entry.company_id
              FROM entry
              JOIN crm_lifecycle_stage stage ON stage.id = entry.stage_id
              JOIN res_partner partner ON partner.id = entry.partner_id
         LEFT JOIN crm_lifecycle_stage next_stage ON next_stage.id = entry.next_stage_id
            """,
            converted=converted,
            days=days,
        )

    def _read_group_select(self, aggregate_spec, query):
        """Read the fields of aggregator ``median`` as the median of the group.

        The pivot, the graph and grouped lists then show the true median of any
        grouping (stage, month, team, salesperson...), totals included, since
        the web client asks the server for every total.
        """
        fname, __, func = models.parse_read_group_spec(aggregate_spec)
        if func != MEDIAN_AGGREGATOR:
            return super()._read_group_select(aggregate_spec, query)
        if fname not in self._fields or self._fields[fname].type not in ("float", "integer"):
            raise ValueError(f"Invalid aggregate {aggregate_spec!r}: a median needs a number field.")
        return SQL(
            "PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY %s)",
            self._field_to_sql(self._table, fname, query),
        )
