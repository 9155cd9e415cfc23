import json

from odoo import api, fields, models, modules, tools
from odoo.tools import SQL


# one concern per file, by design (issue 11): see res_partner.py's docstring
class CrmPool(models.Model):
    """The ownership schedule of the pools' customers, and the SQL of the release and follow-up
    crons (``res.partner._cron_crm_release_expired``, ``res.partner._cron_crm_followup_reminders``)."""

    _inherit = "crm.pool"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # Schedule (ownership deadline, follow-up date) in SQL
    # ------------------------------------------------------------------
    @api.model
    def _schedule_query(self, partner_filter):
        """SELECT of the ownership schedule of the owned customers matching ``partner_filter``.

        ``partner_filter`` is an SQL condition on ``p`` (res_partner). Columns: ``id``,
        ``deadline`` (when the customer returns to the pool; NULL: never), ``rule`` (the rule
        that sets it), ``rule_days``, ``followup`` (next follow-up date; NULL: no interval), ``warn_days``.
        The rules are the pool's, or those of the pool level of the customer's stage (the first
        by :meth:`_schedule_level_order` among those :meth:`_schedule_level_filter` keeps).
        """
        return SQL(
            """
            SELECT p.id, sched.deadline, sched.rule, sched.rule_days, sched.followup, pool.warn_days
              FROM res_partner p
              JOIN crm_pool pool ON pool.id = p.crm_pool_id
              LEFT JOIN LATERAL (
                    SELECT lvl.no_contact_days, lvl.no_opportunity_days, lvl.no_deal_days, lvl.followup_days
                      FROM crm_pool_level lvl
                     WHERE lvl.pool_id = pool.id AND lvl.lifecycle_stage_id = p.lifecycle_stage_id
                       AND (%(level_filter)s)
                  ORDER BY %(level_order)s
                     LIMIT 1
              ) lvl ON TRUE
              LEFT JOIN crm_lifecycle_stage stage ON stage.id = p.lifecycle_stage_id
             CROSS JOIN LATERAL (
                    SELECT COALESCE(lvl.no_contact_days, pool.no_contact_days) AS contact_days,
                           COALESCE(lvl.no_opportunity_days, pool.no_opportunity_days) AS opportunity_days,
                           COALESCE(lvl.no_deal_days, pool.no_deal_days) AS deal_days,
                           COALESCE(NULLIF(p.crm_followup_days, 0), NULLIF(lvl.followup_days, 0),
                                    NULLIF(stage.followup_days, 0), NULLIF(pool.followup_days, 0))
                               AS followup_days,
                           COALESCE(p.owner_since, p.create_date) AS since
              ) days
             CROSS JOIN LATERAL (
                    SELECT EXISTS (
                               SELECT 1 FROM sale_order so JOIN res_partner c ON c.id = so.partner_id
                                WHERE c.commercial_partner_id = p.id AND so.state = 'sale'
                           ) OR EXISTS (
                               SELECT 1 FROM account_move am
                                WHERE am.commercial_partner_id = p.id AND am.state = 'posted'
                                  AND am.move_type = 'out_invoice'
                           ) AS has_deal,
                           EXISTS (
                               SELECT 1 FROM sale_order so JOIN res_partner c ON c.id = so.partner_id
                                WHERE c.commercial_partner_id = p.id AND so.state = 'sale'
                                  AND so.date_order >= days.since
                           ) OR EXISTS (
                               SELECT 1 FROM account_move am
                                WHERE am.commercial_partner_id = p.id AND am.state = 'posted'
                                  AND am.move_type = 'out_invoice' AND am.invoice_date >= days.since::date
                           ) AS deal_since_claim,
                           EXISTS (
                               SELECT 1 FROM crm_lead l JOIN res_partner c ON c.id = l.partner_id
                                WHERE c.commercial_partner_id = p.id AND l.active
                                  AND l.type = 'opportunity' AND COALESCE(l.probability, 0) < 100
                           ) OR EXISTS (
                               SELECT 1 FROM sale_order so JOIN res_partner c ON c.id = so.partner_id
                                WHERE c.commercial_partner_id = p.id AND so.state IN ('draft', 'sent')
                           ) AS has_opportunity
              ) facts
             CROSS JOIN LATERAL (
                    SELECT CASE WHEN days.contact_days > 0
                                THEN GREATEST(p.last_contact_date, days.since)
                                     + make_interval(days => days.contact_days) END AS by_contact,
                           CASE WHEN days.opportunity_days > 0 AND NOT facts.has_opportunity
                                THEN days.since + make_interval(days => days.opportunity_days)
                           END AS by_opportunity,
                           CASE WHEN days.deal_days > 0 AND NOT facts.deal_since_claim
                                THEN days.since + make_interval(days => days.deal_days) END AS by_deal
              ) rules
             CROSS JOIN LATERAL (
                    SELECT LEAST(rules.by_contact, rules.by_opportunity, rules.by_deal) AS first_deadline
              ) earliest
             CROSS JOIN LATERAL (
                    SELECT CASE
                               WHEN p.crm_locked
                                 OR (pool.exempt_deal_customers AND facts.has_deal)
                                 OR (pool.exempt_open_opportunity AND facts.has_opportunity)
                                 OR earliest.first_deadline IS NULL
                               THEN NULL
                               ELSE GREATEST(earliest.first_deadline,
                                             days.since + make_interval(days => pool.protection_days))
                           END AS deadline,
                           CASE earliest.first_deadline
                               WHEN rules.by_contact THEN 'no_contact'
                               WHEN rules.by_opportunity THEN 'no_opportunity'
                               WHEN rules.by_deal THEN 'no_deal'
                           END AS rule,
                           CASE earliest.first_deadline
                               WHEN rules.by_contact THEN days.contact_days
                               WHEN rules.by_opportunity THEN days.opportunity_days
                               WHEN rules.by_deal THEN days.deal_days
                           END AS rule_days,
                           CASE WHEN days.followup_days IS NOT NULL
                                THEN (GREATEST(p.last_contact_date, days.since)
                                      + make_interval(days => days.followup_days))::date
                           END AS followup
              ) sched
             WHERE p.crm_pool_state = 'owned' AND p.user_id IS NOT NULL
               AND p.lifecycle_stage_id IS NOT NULL AND p.id = p.commercial_partner_id
               AND (%(filter)s)
            """,
            filter=partner_filter,
            level_filter=self._schedule_level_filter(),
            level_order=self._schedule_level_order(),
        )

    @api.model
    def _schedule_level_filter(self):
        """Extension point of :meth:`_schedule_query`: an extra SQL condition on the level
        ``lvl`` of the pool ``pool`` for the customer ``p`` (here none: the stage decides).
        ``crm_value`` adds the customer's value class."""
        return SQL("TRUE")

    @api.model
    def _schedule_level_order(self):
        """Extension point of :meth:`_schedule_query`: the ORDER BY of the matching levels ``lvl``
        of a customer ``p``; the first one applies. ``crm_value`` puts the most specific first."""
        return SQL("lvl.sequence, lvl.id")

    @api.model
    def _refresh_schedule_batch(self, ids):
        """Write the schedule of the customers ``ids`` (a batch); rows left as they are cost no write."""
        self.env.cr.execute(
            SQL(
                """
                UPDATE res_partner p
                   SET ownership_deadline = sched.deadline,
                       crm_release_rule = sched.kept_rule,
                       crm_release_days = sched.kept_days,
                       next_followup_date = sched.followup,
                       crm_warned_date = CASE WHEN sched.rewarn THEN NULL ELSE p.crm_warned_date END
                  FROM (
                        SELECT schedule.*,
                               CASE WHEN schedule.deadline IS NOT NULL THEN schedule.rule END AS kept_rule,
                               CASE WHEN schedule.deadline IS NOT NULL THEN schedule.rule_days END
                                   AS kept_days,
                               (schedule.deadline IS NULL
                                OR schedule.deadline - make_interval(days => schedule.warn_days) > %(now)s
                               ) AS rewarn
                          FROM (%(schedule)s) schedule
                  ) sched
                 WHERE p.id = sched.id
                   -- rows left as they are cost no write (every index of res_partner would be touched)
                   AND (p.ownership_deadline IS DISTINCT FROM sched.deadline
                        OR p.crm_release_rule IS DISTINCT FROM sched.kept_rule
                        OR p.crm_release_days IS DISTINCT FROM sched.kept_days
                        OR p.next_followup_date IS DISTINCT FROM sched.followup
                        OR (p.crm_warned_date IS NOT NULL AND sched.rewarn))
                """,
                now=fields.Datetime.now(),
                schedule=self._schedule_query(SQL("p.id = ANY(%s)", list(ids))),
            )
        )

    # ------------------------------------------------------------------
    # Crons (entry points on res.partner: _cron_crm_release_expired, _cron_crm_followup_reminders)
    # ------------------------------------------------------------------
    @api.model
    def _cron_batches(self, condition, batch_size, count=False):
        """Yield the ids of the owned followed customers matching ``condition`` (SQL on the
        partner), by id in batches of ``batch_size``. Once the caller has handled a batch, report
        the progress (the remaining count only with ``count``) and commit it (outside tests).
        Each batch is read afresh, so a rerun after a crash continues from the current state."""
        owned = SQL(
            "crm_pool_state = 'owned' AND lifecycle_stage_id IS NOT NULL AND active"
            " AND id = commercial_partner_id AND %s",
            condition,
        )
        self.env.flush_all()
        total = 0
        if count:
            self.env.cr.execute(SQL("SELECT COUNT(*) FROM res_partner WHERE %s", owned))
            total = self.env.cr.fetchone()[0]
        done = last_id = 0
        while True:
            self.env.cr.execute(
                SQL(
                    "SELECT id FROM res_partner WHERE %s AND id > %s ORDER BY id LIMIT %s",
                    owned,
                    last_id,
                    batch_size,
                )
            )
            ids = [row[0] for row in self.env.cr.fetchall()]
            if not ids:
                return
            yield ids
            done += len(ids)
            last_id = ids[-1]
            self.env["ir.cron"]._notify_progress(done=done, remaining=max(total - done, 0))
            self._cron_commit()

    @api.model
    def _cron_commit(self):
        # a batch is done for good: a crash later does not undo it (never inside tests)
        if not tools.config["test_enable"] and not modules.module.current_test:
            self.env.cr.commit()  # pylint: disable=invalid-commit

    @api.model
    def _release_texts(self):
        """Translated reasons and warnings in the language of the environment, with ``{days}``,
        ``{date}`` and ``{reason}`` to fill in."""
        return {
            "no_contact": self.env._("No contact for {days} days."),
            "no_opportunity": self.env._("No open opportunity or quotation {days} days after the claim."),
            "no_deal": self.env._("No confirmed order or posted invoice {days} days after the claim."),
            "no_owner": self.env._("Owned by no salesperson: back to the pool."),
            "warning": self.env._("Returns to the pool on {date}, because: {reason}"),
            "warning_summary": self.env._("Returns to the pool on {date}"),
            "followup": self.env._("Follow up"),
        }

    @api.model
    def _release_texts_by_lang(self):
        """:meth:`_release_texts` in every installed language: ``{lang: {key: text}}``. The crons
        write each text in the language of the salesperson it is for, not the cron user's."""
        return {
            code: self.with_context(lang=code)._release_texts()
            for code, __ in self.env["res.lang"].get_installed()
        }

    @api.model
    def _text_sql(self, texts, key, lang):
        """SQL of the text ``key`` of ``texts`` (by language) in the language ``lang`` (SQL), or
        in the cron's language when ``lang`` is not installed."""
        return SQL(
            "COALESCE(%(texts)s::jsonb -> %(lang)s, %(texts)s::jsonb -> %(default)s) ->> %(key)s",
            texts=json.dumps(texts),
            lang=lang,
            default=self.env.lang or "en_US",
            key=key,
        )

    @api.model
    def _reason_sql(self, texts, rule, days, lang):
        """SQL of the release reason of ``rule`` after ``days`` days, in the language ``lang``."""
        return SQL(
            """replace(CASE %(rule)s WHEN 'no_contact' THEN %(no_contact)s
                                     WHEN 'no_opportunity' THEN %(no_opportunity)s
                                     ELSE %(no_deal)s END, '{days}', %(days)s::text)""",
            rule=rule,
            days=days,
            no_contact=self._text_sql(texts, "no_contact", lang),
            no_opportunity=self._text_sql(texts, "no_opportunity", lang),
            no_deal=self._text_sql(texts, "no_deal", lang),
        )

    @api.model
    def _notify_new_activities(self, user_ids):
        """Tell the users of activities inserted in SQL, as ``mail.activity.create`` does: their
        activity counter in the top bar moves without a reload."""
        counts = {}
        for user_id in user_ids:
            counts[user_id] = counts.get(user_id, 0) + 1
        for user in self.env["res.users"].browse(list(counts)):
            user._bus_send("mail.activity/updated", {"activity_created": True, "count_diff": counts[user.id]})

    @api.model
    def _release_expired_batch(self, ids, now, texts):
        """Release the expired customers among ``ids``, and those owned by nobody (a user deleted
        in SQL), and write their events, in one statement. ``texts``: by language."""
        lang = SQL("owner_partner.lang")
        reason = SQL(
            "CASE WHEN p.user_id IS NULL THEN %(no_owner)s ELSE %(by_rule)s END",
            no_owner=self._text_sql(texts, "no_owner", SQL("NULL")),
            by_rule=self._reason_sql(texts, SQL("p.crm_release_rule"), SQL("p.crm_release_days"), lang),
        )
        self.env.cr.execute(
            SQL(
                """
                WITH expired AS (
                    SELECT p.id, p.user_id, %(reason)s AS reason
                      FROM res_partner p
                 LEFT JOIN res_users owner ON owner.id = p.user_id
                 LEFT JOIN res_partner owner_partner ON owner_partner.id = owner.partner_id
                     WHERE p.id = ANY(%(ids)s) AND p.crm_pool_state = 'owned' AND p.active
                       AND (p.ownership_deadline <= %(now)s OR p.user_id IS NULL)
                       FOR UPDATE OF p
                ), released AS (
                    UPDATE res_partner p
                       SET user_id = NULL, crm_pool_state = 'pool', previous_owner_id = expired.user_id,
                           crm_released_date = %(now)s, crm_released_by_id = NULL,
                           crm_release_reason = expired.reason, crm_locked = FALSE, owner_since = NULL,
                           ownership_deadline = NULL, crm_release_rule = NULL, crm_release_days = NULL,
                           crm_warned_date = NULL,
                           next_followup_date = NULL, write_date = %(now)s, write_uid = %(uid)s
                      FROM expired
                     WHERE p.id = expired.id
                 RETURNING p.id, p.company_id, p.crm_pool_id, expired.user_id, expired.reason
                ), events AS (
                    INSERT INTO crm_partner_event
                           (partner_id, event_type, date, user_id, from_user_id, to_stage_id, reason, trigger,
                            company_id, pool_id, create_uid, write_uid, create_date, write_date)
                    SELECT released.id, 'release', %(now)s, %(uid)s, released.user_id, NULL, released.reason,
                           'timeout', COALESCE(released.company_id, %(company)s), released.crm_pool_id,
                           %(uid)s, %(uid)s, %(now)s, %(now)s
                      FROM released
                )
                DELETE FROM mail_activity activity
                 USING released
                 WHERE activity.res_model = 'res.partner' AND activity.res_id = released.id
                   AND activity.activity_type_id IN %(types)s
                """,
                reason=reason,
                ids=list(ids),
                now=now,
                uid=self.env.uid,
                company=self.env.company.id,
                types=tuple(self.env["res.partner"]._crm_pool_activity_types().ids) or (0,),
            )
        )

    @api.model
    def _warn_batch(self, ids, now, texts):
        """Give owners one activity (and the timeline a warning event) per cycle for the customers
        of ``ids`` about to return to the pool, in the owner's language. ``texts``: by language."""
        warning_type = self.env.ref("crm_lifecycle.mail_activity_type_crm_release_warning")
        date_text = SQL("to_char(p.ownership_deadline, 'YYYY-MM-DD')")
        lang = SQL("owner_partner.lang")
        reason = self._reason_sql(texts, SQL("p.crm_release_rule"), SQL("p.crm_release_days"), lang)
        self.env.cr.execute(
            SQL(
                """
                WITH warned AS (
                    UPDATE res_partner p
                       SET crm_warned_date = %(now)s
                      FROM crm_pool pool, res_users owner, res_partner owner_partner
                     WHERE p.id = ANY(%(ids)s) AND pool.id = p.crm_pool_id AND p.crm_pool_state = 'owned'
                       AND p.active
                       AND owner.id = p.user_id AND owner_partner.id = owner.partner_id
                       AND p.ownership_deadline IS NOT NULL AND p.ownership_deadline > %(now)s
                       AND p.ownership_deadline - make_interval(days => pool.warn_days) <= %(now)s
                       AND pool.warn_days > 0
                       AND (p.crm_warned_date IS NULL OR p.crm_warned_date < p.owner_since)
                 RETURNING p.id, p.name, p.user_id, p.ownership_deadline, p.company_id, p.crm_pool_id,
                           owner_partner.tz,
                           replace(%(summary)s, '{date}', %(date_text)s) AS summary,
                           replace(replace(%(note)s, '{date}', %(date_text)s), '{reason}', %(reason)s) AS note
                ), events AS (
                    INSERT INTO crm_partner_event
                           (partner_id, event_type, date, user_id, from_user_id, reason, trigger,
                            company_id, pool_id, create_uid, write_uid, create_date, write_date)
                    SELECT warned.id, 'warning', %(now)s, %(uid)s, warned.user_id, warned.note, 'timeout',
                           COALESCE(warned.company_id, %(company)s), warned.crm_pool_id,
                           %(uid)s, %(uid)s, %(now)s, %(now)s
                      FROM warned
                )
                INSERT INTO mail_activity
                       (res_model_id, res_model, res_id, res_name, activity_type_id, summary, note,
                        date_deadline, automated, user_id, user_tz, active,
                        create_uid, write_uid, create_date, write_date)
                SELECT %(model_id)s, 'res.partner', warned.id, warned.name, %(type)s, warned.summary,
                       '<p>' || warned.note || '</p>', warned.ownership_deadline::date, TRUE, warned.user_id,
                       warned.tz, TRUE, %(uid)s, %(uid)s, %(now)s, %(now)s
                  FROM warned
             RETURNING user_id
                """,
                now=now,
                ids=list(ids),
                summary=self._text_sql(texts, "warning_summary", lang),
                note=self._text_sql(texts, "warning", lang),
                date_text=date_text,
                reason=reason,
                model_id=self.env["ir.model"]._get_id("res.partner"),
                type=warning_type.id,
                uid=self.env.uid,
                company=self.env.company.id,
            )
        )
        self._notify_new_activities([row[0] for row in self.env.cr.fetchall()])

    @api.model
    def _followup_batch(self, ids, today, texts):
        """One "Follow up" activity per owned customer of ``ids`` due by ``today``, unless one is
        open, in the owner's language. ``texts``: by language."""
        followup_type = self.env.ref("crm_lifecycle.mail_activity_type_crm_followup")
        now = fields.Datetime.now()
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO mail_activity
                       (res_model_id, res_model, res_id, res_name, activity_type_id, summary,
                        date_deadline, automated, user_id, user_tz, active,
                        create_uid, write_uid, create_date, write_date)
                SELECT %(model_id)s, 'res.partner', p.id, p.name, %(type)s, %(summary)s,
                       p.next_followup_date, TRUE, p.user_id, owner_partner.tz, TRUE,
                       %(uid)s, %(uid)s, %(now)s, %(now)s
                  FROM res_partner p
                  JOIN res_users owner ON owner.id = p.user_id
                  JOIN res_partner owner_partner ON owner_partner.id = owner.partner_id
                 WHERE p.id = ANY(%(ids)s) AND p.active
                   AND NOT EXISTS (
                           SELECT 1 FROM mail_activity open_activity
                            WHERE open_activity.res_model = 'res.partner' AND open_activity.res_id = p.id
                              AND open_activity.activity_type_id = %(type)s AND open_activity.active
                       )
             RETURNING user_id
                """,
                model_id=self.env["ir.model"]._get_id("res.partner"),
                type=followup_type.id,
                summary=self._text_sql(texts, "followup", SQL("owner_partner.lang")),
                ids=list(ids),
                uid=self.env.uid,
                now=now,
            )
        )
        self._notify_new_activities([row[0] for row in self.env.cr.fetchall()])
