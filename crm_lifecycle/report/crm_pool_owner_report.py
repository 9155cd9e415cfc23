from odoo import fields, models, tools
from odoo.tools import SQL

# Window of the "last 30 days" columns.
RECENT_DAYS = 30


class CrmPoolOwnerReport(models.Model):
    """Owned customers and pool limits of each salesperson, one row per salesperson and pool.

    A salesperson has a row for a pool when they own customers of the pool, claimed
    or released one of them in the last 30 days, or belong to (or lead) a team the
    pool is scoped to. Claims count for the new owner, releases (by hand or by timeout) for
    the owner who lost the customer. "Today" is the salesperson's day, in their time zone.
    """

    _name = "crm.pool.owner.report"
    _description = "Owners and Limits"
    _auto = False
    _order = "user_id, pool_id"
    _rec_name = "user_id"

    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    pool_id = fields.Many2one("crm.pool", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    owned_count = fields.Integer(
        string="Owned", readonly=True, help="Customers of the pool the salesperson owns."
    )
    locked_count = fields.Integer(
        string="Locked", readonly=True, help="Owned customers locked against release."
    )
    max_owned = fields.Integer(
        string="Max. Owned", aggregator="max", readonly=True, help="The pool's limit; 0 means unlimited."
    )
    max_locked = fields.Integer(
        string="Max. Locked", aggregator="max", readonly=True, help="The pool's limit; 0 means no locking."
    )
    owned_left = fields.Integer(
        string="Can Still Claim",
        readonly=True,
        help="Customers the salesperson may still own in this pool, when the pool limits it.",
    )
    at_limit = fields.Boolean(
        readonly=True,
        help="The salesperson cannot claim from the pool now: they own as many customers as it allows, "
        "or claimed as many as it allows today.",
    )
    claims_today = fields.Integer(readonly=True)
    max_claims_per_day = fields.Integer(
        string="Max. Claims per Day",
        aggregator="max",
        readonly=True,
        help="The pool's limit; 0 means unlimited.",
    )
    claims_recent = fields.Integer(string="Claims (30 Days)", readonly=True)
    releases_recent = fields.Integer(
        string="Releases (30 Days)",
        readonly=True,
        help="Customers the salesperson lost to the pool in the last 30 days, by hand or by timeout.",
    )

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
        team_rel = self.env["crm.pool"]._fields["team_ids"]
        return SQL(
            """
            WITH owned AS (
                SELECT partner.user_id,
                       partner.crm_pool_id AS pool_id,
                       COUNT(*) AS owned_count,
                       COUNT(*) FILTER (WHERE partner.crm_locked) AS locked_count
                  FROM res_partner partner
                 WHERE partner.crm_pool_state = 'owned'
                   AND partner.user_id IS NOT NULL
                   AND partner.crm_pool_id IS NOT NULL
                   AND partner.lifecycle_stage_id IS NOT NULL
                   AND partner.parent_id IS NULL
                   AND partner.active
              GROUP BY partner.user_id, partner.crm_pool_id
            ), recent AS (
                SELECT CASE WHEN event.event_type = 'claim'
                            THEN COALESCE(event.to_user_id, event.user_id)
                            ELSE event.from_user_id END AS user_id,
                       COALESCE(event.pool_id, partner.crm_pool_id) AS pool_id,
                       event.event_type,
                       event.date
                  FROM crm_partner_event event
                  JOIN res_partner partner ON partner.id = event.partner_id
                 WHERE event.event_type IN ('claim', 'release')
                   AND event.date >= (NOW() AT TIME ZONE 'UTC') - MAKE_INTERVAL(days => %(recent_days)s)
            ), zones AS (
                -- a time zone PostgreSQL does not know counts as UTC
                SELECT salesperson.id AS user_id, COALESCE(tz.name, 'UTC') AS name
                  FROM res_users salesperson
                  JOIN res_partner salesperson_partner ON salesperson_partner.id = salesperson.partner_id
             LEFT JOIN pg_timezone_names tz ON tz.name = salesperson_partner.tz
                 WHERE salesperson.id IN (SELECT user_id FROM recent)
            ), moves AS (
                -- "today" is the salesperson's day, as for the claims-per-day limit
                SELECT recent.user_id,
                       recent.pool_id,
                       COUNT(*) FILTER (
                           WHERE recent.event_type = 'claim'
                             AND recent.date >= DATE_TRUNC('day', NOW() AT TIME ZONE zones.name)
                                                AT TIME ZONE zones.name AT TIME ZONE 'UTC'
                       ) AS claims_today,
                       COUNT(*) FILTER (WHERE recent.event_type = 'claim') AS claims_recent,
                       COUNT(*) FILTER (WHERE recent.event_type = 'release') AS releases_recent
                  FROM recent
                  JOIN zones ON zones.user_id = recent.user_id
                 WHERE recent.pool_id IS NOT NULL
              GROUP BY recent.user_id, recent.pool_id
            ), members AS (
                SELECT DISTINCT member.user_id, pool_team.%(pool_column)s AS pool_id
                  FROM %(team_rel)s pool_team
                  JOIN crm_team_member member
                    ON member.crm_team_id = pool_team.%(team_column)s AND member.active
                  JOIN res_users member_user ON member_user.id = member.user_id AND member_user.active
                 UNION
                SELECT team.user_id, pool_team.%(pool_column)s
                  FROM %(team_rel)s pool_team
                  JOIN crm_team team ON team.id = pool_team.%(team_column)s AND team.user_id IS NOT NULL
                  JOIN res_users leader ON leader.id = team.user_id AND leader.active
            ), pairs AS (
                SELECT user_id, pool_id FROM owned
                 UNION
                SELECT user_id, pool_id FROM moves WHERE user_id IS NOT NULL
                 UNION
                SELECT user_id, pool_id FROM members
            )
            SELECT ROW_NUMBER() OVER (ORDER BY pairs.user_id, pairs.pool_id) AS id,
                   pairs.user_id,
                   pairs.pool_id,
                   salesperson.sale_team_id AS team_id,
                   pool.company_id,
                   COALESCE(owned.owned_count, 0) AS owned_count,
                   COALESCE(owned.locked_count, 0) AS locked_count,
                   COALESCE(pool.max_owned, 0) AS max_owned,
                   COALESCE(pool.max_locked, 0) AS max_locked,
                   CASE WHEN COALESCE(pool.max_owned, 0) > 0
                        THEN GREATEST(pool.max_owned - COALESCE(owned.owned_count, 0), 0) END AS owned_left,
                   (COALESCE(pool.max_owned, 0) > 0 AND COALESCE(owned.owned_count, 0) >= pool.max_owned)
                   OR (COALESCE(pool.max_claims_per_day, 0) > 0
                       AND COALESCE(moves.claims_today, 0) >= pool.max_claims_per_day)
                   AS at_limit,
                   COALESCE(moves.claims_today, 0) AS claims_today,
                   COALESCE(pool.max_claims_per_day, 0) AS max_claims_per_day,
                   COALESCE(moves.claims_recent, 0) AS claims_recent,
                   COALESCE(moves.releases_recent, 0) AS releases_recent
              FROM pairs
              JOIN crm_pool pool ON pool.id = pairs.pool_id AND pool.active
              JOIN res_users salesperson ON salesperson.id = pairs.user_id
         LEFT JOIN owned ON owned.user_id = pairs.user_id AND owned.pool_id = pairs.pool_id
         LEFT JOIN moves ON moves.user_id = pairs.user_id AND moves.pool_id = pairs.pool_id
            """,
            recent_days=RECENT_DAYS,
            team_rel=SQL.identifier(team_rel.relation),
            pool_column=SQL.identifier(team_rel.column1),
            team_column=SQL.identifier(team_rel.column2),
        )
