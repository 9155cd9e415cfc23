"""The past of the demo data: invoices, a year of timeline, releases and warnings.

Plain functions taking ``env``, outside the models: production never imports this module.
The install hook calls :func:`load` when the demo data of ``crm_lifecycle`` was loaded, after
every demo file (``demo/*.xml``), in the transaction that created the demo records.
"""

from datetime import timedelta

from odoo import SUPERUSER_ID, Command, fields
from odoo.tools import SQL

# Confirmed demo orders invoiced and posted (the others are left to invoice).
INVOICED_ORDERS = [
    "crm_lifecycle.demo_sale_order_baltyk",
    "crm_lifecycle.demo_sale_order_dongfang",
    "crm_lifecycle.demo_sale_order_zloty_klos",
    "crm_lifecycle.demo_sale_order_riverside",
    "crm_lifecycle.demo_sale_order_crescent",
    "crm_lifecycle.demo_sale_order_tatra",
    "crm_lifecycle.demo_sale_order_redwood",
    "crm_lifecycle.demo_sale_order_gucheng",
    "crm_lifecycle.demo_sale_order_xiangjiang",
    "crm_lifecycle.demo_sale_order_westbrook",
    "crm_lifecycle.demo_sale_order_bilans",
    "crm_lifecycle.demo_sale_order_hongda",
]
# Two team pools over the demo customers; Mitchell Admin works in Sales, Marc Demo in Pre-Sales.
DEMO_POOLS = ["crm_lifecycle.crm_pool_demo_sales", "crm_lifecycle.crm_pool_demo_presales"]
# Customers released to the pools: (customer, days ago, reason, released by). Without a
# releasing user, the customer's release rule released it, with the rule's reason.
RELEASED = [
    (
        "crm_lifecycle.demo_partner_northwind",
        12,
        "Budget frozen until next year: call again in spring.",
        "base.user_admin",
    ),
    ("crm_lifecycle.demo_partner_kestrel", 3, False, False),
    (
        "crm_lifecycle.demo_partner_dom_mediowy",
        33,
        "Not a real customer: the agency closed down.",
        "base.user_admin",
    ),
    ("crm_lifecycle.demo_partner_lakeside", 9, False, False),
    (
        "crm_lifecycle.demo_partner_jinling",
        25,
        "The hotel group closed its Nanjing office; nobody left to talk to.",
        "base.user_demo",
    ),
    (
        "crm_lifecycle.demo_partner_summit",
        40,
        "Too many customers to follow: handing this one to a colleague.",
        "base.user_demo",
    ),
]
# Owned customers about to return: (customer, days since the claim, days since the last
# contact, False: none since the claim).
EXPIRING = [
    ("crm_lifecycle.demo_partner_greenfield", 41, 27),
    ("crm_lifecycle.demo_partner_jinggong", 28, False),
    ("crm_lifecycle.demo_partner_sloneczna", 55, 26),
    ("crm_lifecycle.demo_partner_maple_leaf", 18, False),
    ("crm_lifecycle.demo_partner_oakridge", 30, 20),
    ("crm_lifecycle.demo_partner_harbourview", 17, False),
]


def load(env):
    """Give the demo data of ``crm_lifecycle`` its past (install hook, demo databases only).

    In the order the story happened: most confirmed orders are invoiced; the other demo
    companies get the stage their documents imply; the whole timeline, written a moment ago,
    is spread over the past year; then the team pools get their customers, some released a
    while ago, some about to return, whose owners are warned.
    """
    orders = env["sale.order"].browse([env.ref(xmlid).id for xmlid in INVOICED_ORDERS])
    invoice_orders(env, orders)
    env["crm.partner.event"]._set_initial_stages()
    spread_history(env)
    pools = env["crm.pool"].browse([env.ref(xmlid).id for xmlid in DEMO_POOLS])
    set_ownership_history(
        env,
        pools,
        released=[
            (env.ref(partner).id, days, reason, user and env.ref(user).id)
            for partner, days, reason, user in RELEASED
        ],
        expiring=[
            (env.ref(partner).id, claim_days, contact_days) for partner, claim_days, contact_days in EXPIRING
        ],
    )


def invoice_orders(env, orders):
    """Invoice and post the confirmed ``orders``, on dates a few weeks apart.

    Orders of a company without a sales journal are left to invoice: its chart of
    accounts may be installed after the demo data (a database of another country).
    """
    journals = env["account.journal"].search(
        [("type", "=", "sale"), ("company_id", "in", orders.company_id.ids)]
    )
    orders = orders.filtered(lambda order: order.state == "sale" and order.company_id in journals.company_id)
    today = fields.Date.context_today(orders)
    invoices = env["account.move"].create(
        [
            {
                **order._prepare_invoice(),
                "invoice_date": today - timedelta(days=4 + (rank * 17) % 75),
                "invoice_line_ids": [
                    Command.create(line._prepare_invoice_line())
                    for line in order.order_line
                    if not line.display_type
                ],
            }
            for rank, order in enumerate(orders)
        ]
    )
    invoices.action_post()
    return invoices


def spread_history(env):
    """Give the timeline written in the current transaction a past (the demo moves all happen
    at once).

    Only the events created in the current transaction move, each customer's in its own
    order: the first one up to a year ago, the last one a few days ago or the day before
    the customer's first invoice. Customers, quotations and orders follow their events.
    Deterministic: the places derive from the ids, not from a random draw.
    """
    env.flush_all()
    now = env.cr.now()
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    env.cr.execute(
        SQL(
            """
            WITH steps AS (
                SELECT event.id, event.partner_id,
                       ROW_NUMBER() OVER (
                           PARTITION BY event.partner_id ORDER BY event.date, event.id
                       ) AS step
                  FROM crm_partner_event event
                 WHERE event.create_date >= %(now)s
            ), weights AS (
                SELECT id, partner_id, step,
                       CASE WHEN step = 1 THEN 0 ELSE 2 + MOD(partner_id * 7 + step * 13, 9) END AS weight
                  FROM steps
            ), placed AS (
                SELECT id, partner_id,
                       SUM(weight) OVER (PARTITION BY partner_id ORDER BY step) AS done,
                       SUM(weight) OVER (PARTITION BY partner_id) + 1 + MOD(partner_id, 4) AS total
                  FROM weights
            ), first_invoice AS (
                SELECT partner.commercial_partner_id AS partner_id, MIN(move.invoice_date) AS invoice_date
                  FROM account_move move
                  JOIN res_partner partner ON partner.id = move.partner_id
                 WHERE move.move_type = 'out_invoice' AND move.state = 'posted'
              GROUP BY partner.commercial_partner_id
            ), bounds AS (
                SELECT partner.id AS partner_id, partner.user_id,
                       LEAST(
                           %(today)s - MAKE_INTERVAL(days => 1 + MOD(partner.id, 5)),
                           COALESCE(first_invoice.invoice_date - 1, %(today)s)
                       ) AS end_at,
                       30 + MOD(partner.id * 53, 320) AS span_days
                  FROM res_partner partner
             LEFT JOIN first_invoice ON first_invoice.partner_id = partner.id
                 WHERE partner.id IN (SELECT partner_id FROM placed)
            ), spans AS (
                SELECT partner_id, user_id, end_at,
                       GREATEST(
                           end_at - MAKE_INTERVAL(days => span_days), %(today)s - INTERVAL '365 days'
                       ) AS start_at
                  FROM bounds
            ), moved AS (
                UPDATE crm_partner_event event
                   SET date = DATE_TRUNC(
                           'second',
                           spans.start_at
                           + (spans.end_at - spans.start_at) * (placed.done::float / placed.total)
                           + MAKE_INTERVAL(hours => 8 + MOD(event.id, 9))
                       ),
                       user_id = CASE WHEN event.user_id = %(superuser)s
                                      THEN COALESCE(spans.user_id, event.user_id) ELSE event.user_id END
                  FROM placed
                  JOIN spans ON spans.partner_id = placed.partner_id
                 WHERE event.id = placed.id
             RETURNING event.partner_id, event.event_type, event.date,
                       event.document_model, event.document_id
            ), partners AS (
                UPDATE res_partner partner
                   SET lifecycle_stage_date = last_move.date
                  FROM (SELECT partner_id, MAX(date) AS date FROM moved
                         WHERE event_type = 'stage' GROUP BY partner_id) last_move
                 WHERE partner.commercial_partner_id = last_move.partner_id
                   AND partner.lifecycle_stage_id IS NOT NULL
            )
            UPDATE sale_order sale
               SET date_order = document.date
              FROM (SELECT document_id, MAX(date) AS date FROM moved
                     WHERE document_model = 'sale.order' GROUP BY document_id) document
             WHERE sale.id = document.document_id
            """,
            now=now,
            today=today,
            superuser=SUPERUSER_ID,
        )
    )
    env["crm.partner.event"].invalidate_model(["date", "user_id"])
    env["res.partner"].invalidate_model(["lifecycle_stage_date"])
    env["sale.order"].invalidate_model(["date_order"])


def set_ownership_history(env, pools, released=(), expiring=()):
    """Give the customers of ``pools`` an ownership past.

    The followed customers of each pool's sales teams first move to that pool.
    ``released``: ``(partner_id, days_ago, reason, user_id)`` rows. The owner (``user_id``)
    released the customer with ``reason`` ``days_ago`` days ago; without ``user_id`` the
    customer's release rule did, and the reason is the rule's. The customer's earlier timeline
    is moved before the release.
    ``expiring``: ``(partner_id, claim_days_ago, contact_days_ago)`` rows. The owner claimed
    the customer ``claim_days_ago`` days ago and was last in touch ``contact_days_ago`` days
    ago (False: never since the claim), so its deadline comes near.

    The schedules of the pools are refreshed, and the owners of customers in the warning
    window get their warning activity.
    """
    Partner = env["res.partner"]
    Pool = env["crm.pool"]
    now = fields.Datetime.now()
    for pool in pools:
        customers = Partner.search(
            [
                ("crm_team_id", "in", pool.team_ids.ids),
                ("lifecycle_stage_id", "!=", False),
                ("parent_id", "=", False),
            ]
        )
        customers.with_context(tracking_disable=True).write({"crm_pool_id": pool.id})
    # the schedule was refreshed in SQL: read the rules of the new pools
    Partner.invalidate_model()
    texts = Pool._release_texts()
    for partner_id, __, reason, user_id in released:
        partner = Partner.browse(partner_id)
        if user_id:
            partner.with_user(user_id)._crm_release(reason, "manual")
        else:
            text = texts[partner.crm_release_rule or "no_contact"]
            days = partner.crm_release_days or partner.crm_pool_id.no_contact_days
            partner._crm_release(text.replace("{days}", str(days)), "timeout")
    env.flush_all()
    if released:
        backdate_releases(
            env, [row[0] for row in released], [now - timedelta(days=row[1]) for row in released]
        )
    if expiring:
        _backdate_claims(env, expiring, now)
    Partner.invalidate_model()
    env["crm.partner.event"].invalidate_model()
    Partner._crm_refresh_schedule(pools=pools)
    owned = Partner.search([("crm_pool_id", "in", pools.ids), ("crm_pool_state", "=", "owned")])
    Pool._warn_batch(owned.ids, now, Pool._release_texts_by_lang())
    Partner.invalidate_model()
    env["mail.activity"].invalidate_model()


def backdate_releases(env, ids, dates):
    """Date the releases of the partners ``ids`` back to ``dates``; the timeline before follows."""
    env.cr.execute(
        SQL(
            """
            WITH releases AS (
                SELECT UNNEST(%(ids)s::int[]) AS id, UNNEST(%(dates)s::timestamp[]) AS date
            ), shifts AS (
                SELECT releases.id, releases.date,
                       GREATEST(MAX(event.date) - (releases.date - INTERVAL '1 day'), INTERVAL '0')
                           AS shift
                  FROM releases
                  JOIN crm_partner_event event
                    ON event.partner_id = releases.id AND event.event_type != 'release'
              GROUP BY releases.id, releases.date
            ), earlier AS (
                UPDATE crm_partner_event event
                   SET date = event.date - shifts.shift
                  FROM shifts
                 WHERE event.partner_id = shifts.id AND event.event_type != 'release'
            ), partners AS (
                UPDATE res_partner p
                   SET crm_released_date = releases.date,
                       lifecycle_stage_date
                           = p.lifecycle_stage_date - COALESCE(shifts.shift, INTERVAL '0')
                  FROM releases
             LEFT JOIN shifts ON shifts.id = releases.id
                 WHERE p.id = releases.id
            )
            UPDATE crm_partner_event event
               SET date = releases.date
              FROM releases
             WHERE event.partner_id = releases.id AND event.event_type = 'release'
            """,
            ids=list(ids),
            dates=list(dates),
        )
    )


def _backdate_claims(env, expiring, now):
    """Date the claims of the ``expiring`` rows back, with their last contact."""
    env.cr.execute(
        SQL(
            """
            WITH claims AS (
                SELECT UNNEST(%(ids)s::int[]) AS id, UNNEST(%(dates)s::timestamp[]) AS date,
                       UNNEST(%(contacts)s::timestamp[]) AS contact
            ), partners AS (
                UPDATE res_partner p
                   SET owner_since = claims.date, last_contact_date = claims.contact,
                       crm_warned_date = NULL
                  FROM claims
                 WHERE p.id = claims.id
            )
            UPDATE crm_partner_event event
               SET date = claims.date
              FROM claims
             WHERE event.partner_id = claims.id AND event.event_type IN ('assign', 'claim')
            """,
            ids=[row[0] for row in expiring],
            dates=[now - timedelta(days=row[1]) for row in expiring],
            contacts=[now - timedelta(days=row[2]) if row[2] else None for row in expiring],
        )
    )
