from odoo import api, fields, models
from odoo.tools import SQL

ESCALATE_CLASSES = [
    ("A", "Class A"),
    ("AB", "Classes A and B"),
    ("ABC", "Classes A, B and C"),
]


class CrmPool(models.Model):
    """Value classes in the pools' release rules.

    - Levels may be for one value class (``crm.pool.level.crm_value_abc_class``): the schedule
      picks the level of the customer's stage and class, else its stage's level for any class.
    - "Escalate instead of release": a customer of a chosen class whose ownership deadline has
      passed stays with its owner, and the sales manager gets one activity per ownership cycle
      saying why (class, rule, days, owner).

    The manager is, in this order: the leader of the customer's sales team, the leader of one of
    the pool's teams (by team sequence), then the first sales manager (``sales_team`` manager group,
    lowest user id) of the pool's company; a leader who owns the customer is skipped, so the
    escalation never goes back to the owner alone. The customer's class is its ``abc_class`` in
    ``crm.value.score`` for the pool's company."""

    _inherit = "crm.pool"

    crm_value_escalate = fields.Boolean(
        string="Escalate Instead of Release",
        help="Customers of the chosen value classes are not returned to the pool when a release rule "
        "expires: the sales manager gets an activity with the reason instead.",
    )
    crm_value_escalate_classes = fields.Selection(
        ESCALATE_CLASSES,
        string="Escalated Classes",
        default="A",
        help="The value classes escalated to the sales manager instead of released.",
    )

    # ------------------------------------------------------------------
    # Schedule: the most specific level
    # ------------------------------------------------------------------
    @api.model
    def _crm_value_class_sql(self):
        """SQL of the value class of the customer ``p`` in the company of the pool ``pool``."""
        return SQL(
            "(SELECT score.abc_class FROM crm_value_score score"
            " WHERE score.partner_id = p.id AND score.company_id = pool.company_id)"
        )

    @api.model
    def _schedule_level_filter(self):
        return SQL(
            "%s AND (lvl.crm_value_abc_class IS NULL OR lvl.crm_value_abc_class = %s)",
            super()._schedule_level_filter(),
            self._crm_value_class_sql(),
        )

    @api.model
    def _schedule_level_order(self):
        # a level of the customer's class first (FALSE sorts before TRUE)
        return SQL("lvl.crm_value_abc_class IS NULL, %s", super()._schedule_level_order())

    # ------------------------------------------------------------------
    # Escalate instead of release
    # ------------------------------------------------------------------
    @api.model
    def _release_texts(self):
        texts = super()._release_texts()
        texts.update(
            {
                "escalation_summary": self.env._("Value class {class} customer due for release"),
                "escalation_note": self.env._(
                    "Kept with its owner {owner} instead of returning to the pool, as a customer of "
                    "value class {class}: {reason}"
                ),
            }
        )
        return texts

    @api.model
    def _release_expired_batch(self, ids, now, texts):
        held = self._crm_value_escalate_batch(ids, now, texts)
        return super()._release_expired_batch([pid for pid in ids if pid not in held], now, texts)

    @api.model
    def _warn_batch(self, ids, now, texts):
        # the owner of a customer escalated instead of released is not told it returns to the pool
        escalated = set(self._crm_value_escalated_class_ids(ids))
        return super()._warn_batch([pid for pid in ids if pid not in escalated], now, texts)

    @api.model
    def _crm_value_escalated_class_ids(self, ids):
        """The customers of ``ids`` whose pool escalates their value class (one query)."""
        self.env.cr.execute(
            SQL(
                """
                SELECT p.id
                  FROM res_partner p
                  JOIN crm_pool pool ON pool.id = p.crm_pool_id
                  JOIN crm_value_score score
                    ON score.partner_id = p.id AND score.company_id = pool.company_id
                 WHERE p.id = ANY(%s) AND pool.crm_value_escalate AND score.abc_class IS NOT NULL
                   AND strpos(COALESCE(pool.crm_value_escalate_classes, ''), score.abc_class) > 0
                """,
                list(ids),
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def _crm_value_escalate_batch(self, ids, now, texts):
        """Hold the expired customers of ``ids`` whose pool escalates their value class, and give
        the sales manager one activity for those not escalated yet in this ownership cycle (never
        escalated, or escalated before the current owner's claim or the last contact). One
        statement. Returns the ids of the held customers (escalated now or before)."""
        escalation_type = self.env.ref("crm_value.mail_activity_type_crm_value_escalation")
        lang = SQL("manager_partner.lang")
        reason = self._reason_sql(texts, SQL("fresh.crm_release_rule"), SQL("fresh.crm_release_days"), lang)
        self.env.cr.execute(
            SQL(
                """
                WITH held AS (
                    SELECT p.id, p.name, p.user_id, p.crm_release_rule, p.crm_release_days, p.crm_pool_id,
                           p.crm_value_escalated_date, p.owner_since, p.last_contact_date, p.crm_team_id,
                           pool.company_id, score.abc_class
                      FROM res_partner p
                      JOIN crm_pool pool ON pool.id = p.crm_pool_id
                      JOIN crm_value_score score
                        ON score.partner_id = p.id AND score.company_id = pool.company_id
                     WHERE p.id = ANY(%(ids)s) AND p.crm_pool_state = 'owned' AND p.active
                       AND p.user_id IS NOT NULL AND p.ownership_deadline <= %(now)s
                       AND pool.crm_value_escalate AND score.abc_class IS NOT NULL
                       AND strpos(COALESCE(pool.crm_value_escalate_classes, ''), score.abc_class) > 0
                       FOR UPDATE OF p
                ), fresh AS (
                    SELECT held.*, COALESCE(
                               (SELECT NULLIF(team.user_id, held.user_id) FROM crm_team team
                                 WHERE team.id = held.crm_team_id AND team.active),
                               (SELECT team.user_id FROM crm_pool_crm_team_rel rel
                                  JOIN crm_team team ON team.id = rel.crm_team_id
                                 WHERE rel.crm_pool_id = held.crm_pool_id AND team.active
                                   AND team.user_id IS NOT NULL AND team.user_id != held.user_id
                              ORDER BY team.sequence, team.id LIMIT 1),
                               (SELECT manager.id FROM res_users manager
                                  JOIN res_groups_users_rel member
                                    ON member.uid = manager.id AND member.gid = %(manager_group)s
                                  JOIN res_company_users_rel allowed
                                    ON allowed.user_id = manager.id AND allowed.cid = held.company_id
                                 WHERE manager.active AND NOT COALESCE(manager.share, FALSE)
                              ORDER BY manager.id LIMIT 1)
                           ) AS manager_id
                      FROM held
                     WHERE held.crm_value_escalated_date IS NULL
                        OR held.crm_value_escalated_date
                           < GREATEST(held.owner_since, held.last_contact_date, '1970-01-01'::timestamp)
                ), marked AS (
                    UPDATE res_partner p SET crm_value_escalated_date = %(now)s
                      FROM fresh WHERE p.id = fresh.id
                ), activity AS (
                    INSERT INTO mail_activity
                           (res_model_id, res_model, res_id, res_name, activity_type_id, summary, note,
                            date_deadline, automated, user_id, user_tz, active,
                            create_uid, write_uid, create_date, write_date)
                    SELECT %(model_id)s, 'res.partner', fresh.id, fresh.name, %(type)s,
                           replace(%(summary)s, '{class}', fresh.abc_class),
                           '<p>' || replace(replace(replace(%(note)s, '{class}', fresh.abc_class),
                                                    '{owner}', owner_partner.name),
                                            '{reason}', %(reason)s) || '</p>',
                           %(today)s, TRUE, fresh.manager_id, manager_partner.tz, TRUE,
                           %(uid)s, %(uid)s, %(now)s, %(now)s
                      FROM fresh
                      JOIN res_users manager ON manager.id = fresh.manager_id
                      JOIN res_partner manager_partner ON manager_partner.id = manager.partner_id
                      JOIN res_users owner ON owner.id = fresh.user_id
                      JOIN res_partner owner_partner ON owner_partner.id = owner.partner_id
                 RETURNING user_id
                )
                SELECT (SELECT COALESCE(array_agg(id), '{}') FROM held),
                       (SELECT COALESCE(array_agg(user_id), '{}') FROM activity)
                """,
                ids=list(ids),
                now=now,
                today=fields.Date.context_today(self, now),
                manager_group=self.env.ref("sales_team.group_sale_manager").id,
                model_id=self.env["ir.model"]._get_id("res.partner"),
                type=escalation_type.id,
                summary=self._text_sql(texts, "escalation_summary", lang),
                note=self._text_sql(texts, "escalation_note", lang),
                reason=reason,
                uid=self.env.uid,
            )
        )
        held_ids, user_ids = self.env.cr.fetchone()
        if user_ids:
            self._notify_new_activities(user_ids)
        return set(held_ids)
