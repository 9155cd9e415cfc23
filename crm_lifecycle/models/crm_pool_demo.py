from datetime import timedelta

from odoo import fields, models
from odoo.tools import SQL


class CrmPool(models.Model):
    _inherit = "crm.pool"

    def _demo_set_ownership_history(self, released=(), expiring=()):
        """Demo data: give the customers of the pools ``self`` an ownership past.

        The followed customers of each pool's sales teams first move to that pool.
        ``released``: ``[partner_id, days_ago, reason, user_id]`` rows. The owner (``user_id``)
        released the customer with ``reason`` ``days_ago`` days ago; without ``user_id`` the
        customer's release rule did, and the reason is the rule's. The customer's earlier timeline is
        moved before the release.
        ``expiring``: ``[partner_id, claim_days_ago, contact_days_ago]`` rows. The owner claimed
        the customer ``claim_days_ago`` days ago and was last in touch ``contact_days_ago`` days
        ago (False: never since the claim), so its deadline comes near.

        The schedules of the pools are refreshed, and the owners of customers in the warning
        window get their warning activity.
        """
        Partner = self.env["res.partner"]
        now = fields.Datetime.now()
        for pool in self:
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
        texts = self.env["crm.pool"]._release_texts()
        for partner_id, __, reason, user_id in released:
            partner = Partner.browse(partner_id)
            if user_id:
                partner.with_user(user_id)._crm_release(reason, "manual")
            else:
                text = texts[partner.crm_release_rule or "no_contact"]
                days = partner.crm_release_days or partner.crm_pool_id.no_contact_days
                partner._crm_release(text.replace("{days}", str(days)), "timeout")
        self.env.flush_all()
        if released:
            self._demo_backdate_releases(
                [row[0] for row in released], [now - timedelta(days=row[1]) for row in released]
            )
        if expiring:
            self.env.cr.execute(
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
        Partner.invalidate_model()
        self.env["crm.partner.event"].invalidate_model()
        Partner._crm_refresh_schedule(pools=self)
        owned = Partner.search([("crm_pool_id", "in", self.ids), ("crm_pool_state", "=", "owned")])
        self.env["crm.pool"]._warn_batch(owned.ids, now, self.env["crm.pool"]._release_texts_by_lang())
        Partner.invalidate_model()
        self.env["mail.activity"].invalidate_model()

    def _demo_backdate_releases(self, ids, dates):
        """Date the releases of ``ids`` back to ``dates``; the timeline before follows."""
        self.env.cr.execute(
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
