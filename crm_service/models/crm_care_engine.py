# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The care cron: set-based selection of the care due, then the actions in batches.

Per rule, one INSERT ... SELECT writes the events due (the trigger's candidates minus the
(rule, customer, period key) already recorded, the customers in a quiet period and those with
an open complaint), at most ``CARE_INSERT_CHUNK`` per statement; each event is born with
``action_applied = False``. Then the actions of the pending events are applied in batches of
``CARE_ACTION_BATCH`` (activities created in one ``create``, e-mails rendered into the mail
queue in one ``send_mail_batch``), and the batch's events are marked in one UPDATE, in the same
transaction. A crash loses nothing: the events inserted but not marked are taken by the next run,
and ON CONFLICT on the unique (rule, partner, period key) keeps a re-run from duplicating them.
"""

import datetime

from markupsafe import Markup

from odoo import api, fields, models, modules, tools
from odoo.tools import SQL
from odoo.tools.safe_eval import safe_eval

#: events inserted per statement (one commit each in the cron)
CARE_INSERT_CHUNK = 10000
#: pending events whose actions are applied per batch (one commit each in the cron)
CARE_ACTION_BATCH = 1000
#: complaint states that are not open (a customer with a complaint in another state is suppressed)
COMPLAINT_DONE_STATES = ("resolved", "closed", "cancelled")


class CrmCareRule(models.Model):
    _inherit = "crm.care.rule"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------ cron

    @api.model
    def _cron_care(self, today=None):
        """Daily: the care due today for every active rule, then every action still pending."""
        today = today or fields.Date.context_today(self)
        # every active rule of every company (a few records; the cron runs as superuser)
        rules = self.search([])  # pylint: disable=no-search-all
        return rules._crm_care_run(today, commit=True)

    def _crm_care_run(self, today, commit=False):
        """Insert the events due of ``self`` (chunks), then apply the pending actions (batches).
        Returns the number of events inserted."""
        cron = self.env["ir.cron"]
        Event = self.env["crm.care.event"]
        self.env.flush_all()
        inserted = 0
        for rule in self:
            while True:
                ids = rule._crm_care_insert(today, CARE_INSERT_CHUNK)
                inserted += len(ids)
                cron._notify_progress(done=inserted, remaining=Event._crm_care_pending_count(self))
                self._crm_care_commit(commit)
                if len(ids) < CARE_INSERT_CHUNK:
                    break
        applied = 0
        while True:
            batch = Event._crm_care_pending(self, CARE_ACTION_BATCH)
            if not batch:
                break
            batch._crm_care_apply()
            applied += len(batch)
            cron._notify_progress(done=inserted + applied, remaining=Event._crm_care_pending_count(self))
            self._crm_care_commit(commit)
        return inserted

    def _crm_care_commit(self, commit):
        if commit and not tools.config["test_enable"] and not modules.module.current_test:
            self.env.cr.commit()  # pylint: disable=invalid-commit

    # ------------------------------------------------------------------ actions
    def _crm_care_activity_note(self):
        self.ensure_one()
        parts = [part for part in (self.script_id.body, self.note) if part]
        return Markup("").join(Markup(part) for part in parts) or False

    def _crm_care_activity_vals(self, event, note):
        return {
            "res_model_id": self.env["ir.model"]._get_id("res.partner"),
            "res_id": event.partner_id.id,
            "activity_type_id": self.activity_type_id.id or self.env.ref("mail.mail_activity_data_todo").id,
            "summary": (self.summary or self.name)
            + (
                f" - {event.contact_id.name}"
                if event.contact_id and event.contact_id != event.partner_id
                else ""
            ),
            "note": note,
            "user_id": (event.user_id or self.user_id or self.create_uid).id,
            "date_deadline": event.due_date + datetime.timedelta(days=self.deadline_days),
        }

    # ------------------------------------------------------------------ selection

    def _crm_care_count_due(self, today):
        """How many customers the next run of the rule would give an event (a preview)."""
        self.ensure_one()
        self.env.flush_all()
        self.env.cr.execute(SQL("SELECT count(*) FROM (%s) due", self._crm_care_due_sql(today)))
        return self.env.cr.fetchone()[0]

    def _crm_care_insert(self, today, limit):
        """Insert at most ``limit`` events due of the rule; returns their ids."""
        self.ensure_one()
        now = fields.Datetime.now()
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO crm_care_event (rule_id, company_id, partner_id, contact_id, period_key,
                       due_date, complaint_id, user_id, state, action_applied,
                       create_uid, create_date, write_uid, write_date)
                SELECT %(rule)s, %(company)s, due.partner_id, due.contact_id, due.period_key,
                       due.due_date, due.complaint_id, due.user_id, 'due', FALSE,
                       %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM (%(due)s) due
                 ORDER BY due.partner_id
                 LIMIT %(limit)s
                ON CONFLICT (rule_id, partner_id, period_key) DO NOTHING
                RETURNING id
                """,
                rule=self.id,
                company=self.company_id.id,
                uid=self.env.uid,
                now=now,
                due=self._crm_care_due_sql(today),
                limit=limit,
            )
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        if ids:
            self.env["crm.care.event"].invalidate_model()
        return ids

    def _crm_care_due_sql(self, today):
        """The (partner, contact, period key, due date, complaint, user) due for the rule today:
        one row per customer, none already recorded for the same key, none in a quiet period or
        with an open complaint (except a complaint's own follow-up)."""
        self.ensure_one()
        if self.responsible == "owner":
            user = SQL("COALESCE(p.user_id, p.service_rep_id, %s)", self.user_id.id or None)
        else:
            user = SQL("COALESCE(p.service_rep_id, p.user_id, %s)", self.user_id.id or None)
        quiet = SQL("TRUE")
        if self.quiet_days:
            quiet = SQL(
                """NOT EXISTS (SELECT 1 FROM crm_care_event quiet
                                WHERE quiet.partner_id = cand.partner_id
                                  AND quiet.company_id = %(company)s
                                  AND quiet.state != 'cancelled'
                                  AND quiet.due_date > %(since)s)""",
                company=self.company_id.id,
                since=today - datetime.timedelta(days=self.quiet_days),
            )
        open_complaint = SQL("TRUE")
        if self.trigger != "complaint_closed":
            # the follow-up of a closed complaint is the one care an open case does not stop
            open_complaint = SQL(
                """NOT EXISTS (SELECT 1 FROM crm_complaint open_case
                                WHERE open_case.commercial_partner_id = cand.partner_id
                                  AND open_case.company_id = %(company)s
                                  AND open_case.state NOT IN %(done)s)""",
                company=self.company_id.id,
                done=COMPLAINT_DONE_STATES,
            )
        return SQL(
            """
            SELECT DISTINCT ON (cand.partner_id)
                   cand.partner_id, cand.contact_id, cand.period_key, cand.due_date,
                   cand.complaint_id, %(user)s AS user_id
              FROM (%(candidates)s) cand
              JOIN res_partner p ON p.id = cand.partner_id
             WHERE NOT EXISTS (SELECT 1 FROM crm_care_event done
                                WHERE done.rule_id = %(rule)s
                                  AND done.partner_id = cand.partner_id
                                  AND done.period_key = cand.period_key)
               AND %(quiet)s
               AND %(open_complaint)s
             ORDER BY cand.partner_id, cand.due_date, cand.period_key
            """,
            user=user,
            candidates=self._crm_care_candidates_sql(today),
            rule=self.id,
            quiet=quiet,
            open_complaint=open_complaint,
        )

    def _crm_care_customers_where(self):
        """The conditions on the customer ``p`` (and its score ``s``) of every trigger."""
        conditions = [
            SQL("p.active"),
            SQL("p.id = p.commercial_partner_id"),
            SQL("p.lifecycle_stage_id IS NOT NULL"),
            SQL("(p.company_id IS NULL OR p.company_id = %s)", self.company_id.id),
        ]
        if self.lifecycle_stage_id:
            conditions.append(SQL("p.lifecycle_stage_id = %s", self.lifecycle_stage_id.id))
        if self.abc_class:
            conditions.append(SQL("s.abc_class = %s", self.abc_class))
        if self.service_model:
            conditions.append(
                SQL("COALESCE(p.service_model_choice, s.service_tier, 'tiered') = %s", self.service_model)
            )
        domain = safe_eval(self.partner_domain or "[]")
        if domain:
            Partner = self.env["res.partner"].with_company(self.company_id).with_context(active_test=False)
            conditions.append(SQL("p.id IN (%s)", Partner._search(domain).subselect()))
        return SQL(" AND ").join(conditions)

    def _crm_care_candidates_sql(self, today):
        """The trigger's candidates: partner_id, contact_id, period_key, due_date, complaint_id."""
        company = self.company_id.id
        since = today - datetime.timedelta(days=self.catch_up_days)
        where = self._crm_care_customers_where()
        score_join = SQL("LEFT JOIN crm_value_score s ON s.partner_id = p.id AND s.company_id = %s", company)
        window = SQL("BETWEEN %s AND %s", since, today)
        trigger = self.trigger
        if trigger == "first_deal":
            return SQL(
                """SELECT p.id AS partner_id, NULL::int AS contact_id, 'first_deal' AS period_key,
                          s.first_purchase_date + %(days)s AS due_date, NULL::int AS complaint_id
                     FROM res_partner p %(score)s
                    WHERE %(where)s AND s.first_purchase_date + %(days)s %(window)s""",
                days=self.days,
                score=score_join,
                where=where,
                window=window,
            )
        if trigger in ("anniversary", "birthday"):
            # the most recent anniversary up to today (29 February: the 28th in other years)
            if trigger == "anniversary":
                origin, contact, key_suffix, contact_join = (
                    SQL("s.first_purchase_date"),
                    SQL("NULL::int"),
                    SQL("''"),
                    SQL(""),
                )
            else:
                origin, contact, key_suffix, contact_join = (
                    SQL("ct.crm_birthday"),
                    SQL("ct.id"),
                    SQL("'/' || ct.id"),
                    SQL(
                        "JOIN res_partner ct ON ct.commercial_partner_id = p.id AND ct.active"
                        " AND ct.crm_birthday IS NOT NULL"
                    ),
                )
            return SQL(
                """SELECT partner_id, contact_id, to_char(due_date, 'YYYY') || key_suffix AS period_key,
                          due_date, NULL::int AS complaint_id
                     FROM (SELECT partner_id, contact_id, key_suffix, origin,
                                  CASE WHEN this_year <= %(today)s THEN this_year
                                       ELSE (origin + make_interval(years => %(year)s-origin_year-1))::date
                                  END AS due_date
                             FROM (SELECT p.id AS partner_id, %(contact)s AS contact_id,
                                          %(suffix)s AS key_suffix, %(origin)s AS origin,
                                          extract(year FROM %(origin)s)::int AS origin_year,
                                          (%(origin)s + make_interval(
                                              years => %(year)s - extract(year FROM %(origin)s)::int
                                          ))::date AS this_year
                                     FROM res_partner p %(score)s %(contacts)s
                                    WHERE %(where)s AND %(origin)s IS NOT NULL) dated
                          ) anniversary
                    WHERE due_date > origin AND due_date %(window)s""",
                contact=contact,
                suffix=key_suffix,
                origin=origin,
                year=today.year,
                today=today,
                score=score_join,
                contacts=contact_join,
                where=where,
                window=window,
            )
        if trigger == "periodic":
            # each customer on its own day of the cycle (its id modulo the period): the calls of
            # a class spread evenly over the period instead of all on the rule's first day
            return SQL(
                """SELECT partner_id, NULL::int AS contact_id,
                          to_char(due_date, 'YYYY-MM-DD') || '/' || %(days)s AS period_key,
                          due_date, NULL::int AS complaint_id
                     FROM (SELECT p.id AS partner_id,
                                  %(today)s::date - mod(
                                      mod(%(today)s::date - DATE '2000-01-01' - mod(p.id, %(days)s), %(days)s)
                                      + %(days)s,
                                      %(days)s
                                  ) AS due_date
                             FROM res_partner p %(score)s
                            WHERE %(where)s) cycle
                    WHERE due_date %(window)s""",
                days=self.days,
                today=today,
                score=score_join,
                where=where,
                window=window,
            )
        if trigger in ("dormant", "at_risk"):
            # one event per episode: the last purchase before the customer fell into the state
            prefix = SQL("TRUE")
            if trigger == "at_risk" and self.churn_rule_prefix:
                prefix = SQL(
                    "COALESCE(s.inputs -> 'churn' ->> 'rule', '') LIKE %s",
                    self.churn_rule_prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
                    + "%",
                )
            return SQL(
                """SELECT p.id AS partner_id, NULL::int AS contact_id,
                          %(state)s || '/' || COALESCE(s.last_purchase_date::text, '-') AS period_key,
                          %(today)s::date AS due_date, NULL::int AS complaint_id
                     FROM res_partner p %(score)s
                    WHERE %(where)s AND s.churn_state = %(state)s AND %(prefix)s""",
                state=trigger,
                today=today,
                score=score_join,
                where=where,
                prefix=prefix,
            )
        if trigger == "complaint_closed":
            return SQL(
                """SELECT p.id AS partner_id, NULL::int AS contact_id, 'complaint/' || c.id AS period_key,
                          (c.closed_date AT TIME ZONE 'UTC')::date + %(days)s AS due_date,
                          c.id AS complaint_id
                     FROM crm_complaint c
                     JOIN res_partner p ON p.id = c.commercial_partner_id %(score)s
                    WHERE %(where)s AND c.company_id = %(company)s AND c.state = 'closed'
                      AND c.closed_date IS NOT NULL
                      AND (c.closed_date AT TIME ZONE 'UTC')::date + %(days)s %(window)s""",
                days=self.days,
                score=score_join,
                where=where,
                company=company,
                window=window,
            )
        raise ValueError(f"unknown care trigger {trigger}")


class CrmCareEvent(models.Model):
    _inherit = "crm.care.event"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------ pending actions

    @api.model
    def _crm_care_pending(self, rules, limit):
        self.env.cr.execute(
            SQL(
                """SELECT id FROM crm_care_event
                    WHERE NOT action_applied AND state = 'due' AND rule_id IN %s
                    ORDER BY rule_id, id LIMIT %s""",
                tuple(rules.ids) or (0,),
                limit,
            )
        )
        return self.browse([row[0] for row in self.env.cr.fetchall()])

    @api.model
    def _crm_care_pending_count(self, rules):
        self.env.cr.execute(
            SQL(
                """SELECT count(*) FROM crm_care_event
                    WHERE NOT action_applied AND state = 'due' AND rule_id IN %s""",
                tuple(rules.ids) or (0,),
            )
        )
        return self.env.cr.fetchone()[0]

    def _crm_care_apply(self):
        """Apply the action of each event (a batch of pending events), then mark them, in one
        transaction: activities in one ``create``, e-mails in one ``send_mail_batch`` per template."""
        self.fetch(["rule_id", "partner_id", "contact_id", "user_id", "due_date"])
        self.rule_id.fetch(
            [
                "action",
                "name",
                "summary",
                "activity_type_id",
                "script_id",
                "note",
                "deadline_days",
                "mail_template_id",
                "activity_plan_id",
                "user_id",
                "create_uid",
            ]
        )
        activity_vals, activity_events = [], []
        mailed = self.browse()
        for rule, events in self.grouped("rule_id").items():
            if rule.action == "activity":
                note = rule._crm_care_activity_note()
                for event in events:
                    activity_vals.append(rule._crm_care_activity_vals(event, note))
                    activity_events.append(event.id)
            elif rule.action == "activity_plan":
                templates = rule.activity_plan_id.template_ids
                for event in events:
                    first = True
                    for template in templates:
                        responsible = event.user_id or rule.user_id or rule.create_uid
                        if template.responsible_type != "on_demand":
                            responsible = (
                                template._determine_responsible(responsible, event.partner_id)["responsible"]
                                or responsible
                            )
                        activity_vals.append(
                            {
                                "res_model_id": self.env["ir.model"]._get_id("res.partner"),
                                "res_id": event.partner_id.id,
                                "activity_type_id": template.activity_type_id.id,
                                "summary": template.summary or rule.name,
                                "note": template.note,
                                "user_id": responsible.id,
                                "date_deadline": template._get_date_deadline(event.due_date),
                            }
                        )
                        activity_events.append(event.id if first else None)
                        first = False
            elif rule.action == "mail_template":
                recipients = [(event.contact_id or event.partner_id).id for event in events]
                rule.mail_template_id.with_company(rule.company_id).send_mail_batch(recipients)
                mailed |= events
        activities = self.env["mail.activity"]
        if activity_vals:
            Activity = self.env["mail.activity"].with_context(mail_activity_quick_update=True)
            # the activities' stored record name: the customers' names read for the batch at once
            # (each activity would read its own record otherwise)
            self.partner_id.with_env(Activity.env).mapped("display_name")
            activities = Activity.create(activity_vals)
        links = [
            (event_id, activity.id)
            for event_id, activity in zip(activity_events, activities, strict=True)
            if event_id
        ]
        self.flush_model()
        self.env.cr.execute(
            SQL(
                """UPDATE crm_care_event e
                      SET action_applied = TRUE,
                          activity_id = link.activity_id,
                          state = CASE WHEN e.id = ANY(%(mailed)s) THEN 'done' ELSE e.state END,
                          done_date = CASE WHEN e.id = ANY(%(mailed)s) THEN %(today)s ELSE e.done_date END,
                          write_date = %(now)s
                     FROM (SELECT unnest(%(ids)s::int[]) AS id) batch
                LEFT JOIN (SELECT unnest(%(event_ids)s::int[]) AS event_id,
                                  unnest(%(activity_ids)s::int[]) AS activity_id) link
                       ON link.event_id = batch.id
                    WHERE e.id = batch.id""",
                mailed=mailed.ids,
                today=fields.Date.context_today(self),
                now=fields.Datetime.now(),
                ids=self.ids,
                event_ids=[event_id for event_id, _activity in links],
                activity_ids=[activity_id for _event, activity_id in links],
            )
        )
        self.invalidate_recordset(["action_applied", "activity_id", "state", "done_date", "write_date"])
