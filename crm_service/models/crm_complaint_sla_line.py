# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from markupsafe import Markup, escape

from odoo import api, fields, models, modules, tools
from odoo.tools import SQL
from odoo.tools.sql import create_index

from ..utils import working_hours

SLA_TARGETS = [
    ("response", "Response"),
    ("resolution", "Resolution"),
]
SLA_STATES = [
    ("ok", "On Track"),
    ("at_risk", "At Risk"),
    ("paused", "Paused"),
    ("reached", "Reached"),
    ("failed", "Failed"),
]
#: the states whose clock the cron watches (the partial indexes' condition)
RUNNING_STATES = ("ok", "at_risk")
#: lines flipped, then escalation steps fired, per cron batch (one commit each)
CRON_BATCH_SIZE = 1000


class CrmComplaintSlaLine(models.Model):
    """One SLA target of a case: its deadline, clock and outcome. Written by the SLA engine only."""

    _name = "crm.complaint.sla.line"
    _description = "Case SLA Target"
    _order = "complaint_id, target"

    complaint_id = fields.Many2one(
        "crm.complaint", string="Case", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="complaint_id.company_id", store=True, index=True)
    policy_id = fields.Many2one("crm.sla.policy", ondelete="set null", index="btree_not_null")
    target = fields.Selection(SLA_TARGETS, required=True)
    target_hours = fields.Float(help="The working hours the policy allows for this target.")
    warn_ratio = fields.Float(default=0.8)
    state = fields.Selection(SLA_STATES, required=True, default="ok", index=True)
    deadline = fields.Datetime(help="Empty while the clock is paused.")
    warn_date = fields.Datetime(string="At Risk From", help="When the line turns at risk if still running.")
    start_date = fields.Datetime(
        string="Running Since", help="When the clock last started or resumed; empty while it is stopped."
    )
    consumed_hours = fields.Float(
        string="Working Hours Used",
        help="Working hours used before the clock last started (all of them once it has stopped).",
    )
    reached_date = fields.Datetime()
    fired_escalation_ids = fields.Many2many(
        "crm.sla.escalation",
        "crm_complaint_sla_line_fired_rel",
        "line_id",
        "escalation_id",
        string="Escalations Fired",
        readonly=True,
    )

    _sql_constraints = [
        ("complaint_target_unique", "UNIQUE(complaint_id, target)", "A case has one line per SLA target."),
    ]

    def init(self):
        # the cron's two questions, "which running lines are past their deadline / warning",
        # answered from small partial indexes that hold the running lines only
        create_index(
            self.env.cr,
            "crm_complaint_sla_line_running_deadline_idx",
            self._table,
            ["deadline"],
            where="state IN ('ok', 'at_risk')",
        )
        create_index(
            self.env.cr,
            "crm_complaint_sla_line_warn_date_idx",
            self._table,
            ["warn_date"],
            where="state = 'ok'",
        )

    # ------------------------------------------------------------------
    # Engine (called with sudo by crm.complaint: lines are never written by users)
    # ------------------------------------------------------------------

    def _crm_by_calendar(self):
        groups = defaultdict(list)
        for line in self:
            groups[line.policy_id.calendar_id].append(line.id)
        return [(calendar, self.browse(ids)) for calendar, ids in groups.items()]

    def _crm_consume(self, now):
        """Add the working hours of the running segment up to ``now`` to consumed_hours and stop
        the clock (start_date cleared). One calendar computation per calendar."""
        running = self.filtered(lambda line: line.start_date and not line.reached_date)
        for _calendar, lines in running._crm_by_calendar():
            source = lines[:1].policy_id._crm_interval_source() if lines[:1].policy_id else None
            used = working_hours.consumed_hours(source, [(line.start_date, now) for line in lines])
            for line, hours in zip(lines, used, strict=True):
                line.write({"consumed_hours": line.consumed_hours + hours, "start_date": False})

    def _crm_start(self, now):
        """Start (or resume) the clock at ``now``: deadline and warning planned from the hours left,
        in one batch per calendar. A failed line stays failed and keeps its deadline."""
        lines = self.filtered(lambda line: not line.reached_date)
        failed = lines.filtered(lambda line: line.state == "failed")
        failed.write({"start_date": now})
        for _calendar, group in (lines - failed)._crm_by_calendar():
            source = group[:1].policy_id._crm_interval_source() if group[:1].policy_id else None
            items = []
            for line in group:
                items.append((now, max(line.target_hours - line.consumed_hours, 0.0)))
                items.append((now, max(line.target_hours * line.warn_ratio - line.consumed_hours, 0.0)))
            planned = working_hours.plan_deadlines(source, items)
            rows = []
            for index, line in enumerate(group):
                deadline, warn_date = planned[2 * index], planned[2 * index + 1]
                if line.target_hours and line.consumed_hours >= line.target_hours:
                    state, deadline = "failed", now
                elif line.consumed_hours >= line.target_hours * line.warn_ratio:
                    state = "at_risk"
                else:
                    state = "ok"
                rows.append((line.id, deadline, warn_date, state))
            group._crm_write_plans(rows, start_date=now)

    def _crm_replan(self, now):
        """Plan the running lines again from when their clock last started, after their calendar,
        its leaves or the public holidays changed: one calendar computation per calendar. A line
        whose warning moves past ``now`` is on track again; failing stays with the cron."""
        lines = self.filtered(
            lambda line: line.start_date and not line.reached_date and line.state in RUNNING_STATES
        )
        for _calendar, group in lines._crm_by_calendar():
            source = group[:1].policy_id._crm_interval_source() if group[:1].policy_id else None
            items = []
            for line in group:
                items.append((line.start_date, max(line.target_hours - line.consumed_hours, 0.0)))
                items.append(
                    (line.start_date, max(line.target_hours * line.warn_ratio - line.consumed_hours, 0.0))
                )
            planned = working_hours.plan_deadlines(source, items)
            rows = []
            for index, line in enumerate(group):
                deadline, warn_date = planned[2 * index], planned[2 * index + 1]
                state = "at_risk" if warn_date and warn_date <= now else "ok"
                rows.append((line.id, deadline, warn_date, state))
            group._crm_write_plans(rows)
        return lines

    @api.model
    def _crm_replan_calendars(self, calendars=None):
        """Re-plan every running line counting the hours of ``calendars`` (None: every line)."""
        if calendars is None:
            return self._crm_replan_running([("policy_id.calendar_id", "!=", False)])
        return self._crm_replan_running([("policy_id.calendar_id", "in", calendars.ids)])

    @api.model
    def _crm_replan_running(self, domain):
        """Re-plan the running lines of ``domain``, in batches."""
        domain = [
            ("state", "in", RUNNING_STATES),
            ("reached_date", "=", False),
            ("start_date", "!=", False),
            *domain,
        ]
        lines = self.sudo().search(domain)  # engine bookkeeping, see the class doc
        now = fields.Datetime.now()
        for batch in tools.split_every(CRON_BATCH_SIZE * 10, lines.ids, self.sudo().browse):
            batch._crm_replan(now)
            self.env.flush_all()
            batch.invalidate_recordset()  # keep the cache small over many batches
        return lines

    def _crm_write_plans(self, rows, start_date=None):
        """Write planned ``(line id, deadline, warn date, state)`` rows in one UPDATE (the ORM
        would write line by line), then let the cases' stored deadlines and state follow."""
        if not rows:
            return
        self.flush_recordset()
        ids, deadlines, warn_dates, states = zip(*rows, strict=True)
        self.env.cr.execute(
            SQL(
                """
                UPDATE crm_complaint_sla_line line
                   SET deadline = plan.deadline, warn_date = plan.warn_date, state = plan.state,
                       start_date = COALESCE(%(start)s, line.start_date),
                       write_date = %(now)s, write_uid = %(uid)s
                  FROM unnest(%(ids)s::int[], %(deadlines)s::timestamp[], %(warn_dates)s::timestamp[],
                              %(states)s::varchar[]) AS plan(id, deadline, warn_date, state)
                 WHERE line.id = plan.id
                """,
                start=start_date,
                now=fields.Datetime.now(),
                uid=self.env.uid,
                ids=list(ids),
                deadlines=list(deadlines),
                warn_dates=list(warn_dates),
                states=list(states),
            )
        )
        fnames = ["deadline", "warn_date", "state", "start_date", "write_date", "write_uid"]
        lines = self.browse(ids)
        lines.invalidate_recordset(fnames)
        lines.modified(fnames)

    def _crm_pause(self, now):
        """Stop the clock: hours used kept, deadline cleared (a failed line stays failed)."""
        lines = self.filtered(lambda line: not line.reached_date)
        lines._crm_consume(now)
        for line in lines:
            if line.state == "failed" or (line.deadline and line.deadline < now):
                line.write({"state": "failed"})
            else:
                line.write({"state": "paused", "deadline": False, "warn_date": False})

    def _crm_reach(self, now):
        """The target is met at ``now``: reached, or failed when past the deadline."""
        lines = self.filtered(lambda line: not line.reached_date)
        lines._crm_consume(now)
        for line in lines:
            late = line.state == "failed" or (line.deadline and line.deadline < now)
            line.write({"state": "failed" if late else "reached", "reached_date": now, "warn_date": False})

    def _crm_reopen(self, now, running):
        """A met target runs again where it stopped (consumed hours kept)."""
        lines = self.filtered("reached_date")
        lines.write({"reached_date": False})
        if running:
            lines._crm_start(now)
        else:
            for line in lines:
                if line.state != "failed":
                    line.write({"state": "paused", "deadline": False, "warn_date": False})

    # ------------------------------------------------------------------
    # Cron
    # ------------------------------------------------------------------

    @api.model
    def _cron_sla_check(self):
        """Flip running lines to at risk and failed, then fire the escalation steps due.

        Set-based: each batch is one UPDATE over the partial indexes of running lines; the
        escalation steps due are found by one query and recorded in the fired relation in the
        same transaction as their activities and notes, so a step never fires twice and a
        crash loses nothing (the next run takes what was rolled back).
        """
        now = fields.Datetime.now()
        cron = self.env["ir.cron"]
        done = 0
        self.env.flush_all()
        while True:
            flipped = self._crm_flip_states(now, CRON_BATCH_SIZE)
            fired = self._crm_fire_escalations(now, CRON_BATCH_SIZE)
            done += flipped + fired
            remaining = self._crm_count_due(now)
            cron._notify_progress(done=done, remaining=remaining)
            self._crm_commit()
            if not (flipped or fired) or not remaining:
                break
        return done

    def _crm_commit(self):
        if not tools.config["test_enable"] and not modules.module.current_test:
            self.env.cr.commit()  # pylint: disable=invalid-commit

    def _crm_due_escalations_sql(self, now, limit=None):
        return SQL(
            """
            SELECT line.id AS line_id, step.id AS step_id
              FROM crm_complaint_sla_line line
              JOIN crm_sla_escalation step
                ON step.policy_id = line.policy_id
               AND (step.target = 'any' OR step.target = line.target)
             WHERE line.state IN ('at_risk', 'failed')
               AND line.reached_date IS NULL
               AND line.start_date IS NOT NULL
               AND (
                    (step.trigger = 'at_risk' AND line.state = 'at_risk')
                 OR (step.trigger = 'breach' AND line.state = 'failed')
                 OR (step.trigger = 'after_breach' AND line.state = 'failed'
                     AND line.deadline + make_interval(secs => step.hours * 3600) <= %(now)s)
               )
               AND NOT EXISTS (
                    SELECT 1 FROM crm_complaint_sla_line_fired_rel fired
                     WHERE fired.line_id = line.id AND fired.escalation_id = step.id
               )
             ORDER BY line.id, step.sequence, step.id
             %(limit)s
            """,
            now=now,
            limit=SQL("LIMIT %s", limit) if limit else SQL(""),
        )

    def _crm_count_due(self, now):
        self.env.cr.execute(
            SQL(
                """
            SELECT (SELECT count(*) FROM crm_complaint_sla_line
                     WHERE state IN ('ok', 'at_risk') AND deadline <= %(now)s)
                 + (SELECT count(*) FROM crm_complaint_sla_line
                     WHERE state = 'ok' AND warn_date <= %(now)s)
                 + (SELECT count(*) FROM (%(due)s) due)
            """,
                now=now,
                due=self._crm_due_escalations_sql(now),
            )
        )
        return self.env.cr.fetchone()[0]

    def _crm_flip_states(self, now, limit):
        """Failed, then at risk, for at most ``limit`` lines each; returns the number flipped."""
        cr = self.env.cr
        cr.execute(
            SQL(
                """
            UPDATE crm_complaint_sla_line SET state = 'failed', write_date = %(now)s
             WHERE id IN (SELECT id FROM crm_complaint_sla_line
                           WHERE state IN ('ok', 'at_risk') AND deadline <= %(now)s
                           ORDER BY deadline LIMIT %(limit)s FOR UPDATE SKIP LOCKED)
            RETURNING id
            """,
                now=now,
                limit=limit,
            )
        )
        ids = [row[0] for row in cr.fetchall()]
        cr.execute(
            SQL(
                """
            UPDATE crm_complaint_sla_line SET state = 'at_risk', write_date = %(now)s
             WHERE id IN (SELECT id FROM crm_complaint_sla_line
                           WHERE state = 'ok' AND warn_date <= %(now)s
                           ORDER BY warn_date LIMIT %(limit)s FOR UPDATE SKIP LOCKED)
            RETURNING id
            """,
                now=now,
                limit=limit,
            )
        )
        ids += [row[0] for row in cr.fetchall()]
        if ids:
            lines = self.browse(ids)
            lines.invalidate_recordset(["state", "write_date"])
            # the cases' stored summary (sla_state) follows the lines
            lines.modified(["state"])
            self.env.flush_all()
        return len(ids)

    def _crm_fire_escalations(self, now, limit):
        """Fire the escalation steps due, each once per line; returns the number fired."""
        cr = self.env.cr
        cr.execute(
            SQL(
                """
            INSERT INTO crm_complaint_sla_line_fired_rel (line_id, escalation_id)
            SELECT line_id, step_id FROM (%(due)s) due
            ON CONFLICT DO NOTHING
            RETURNING line_id, escalation_id
            """,
                due=self._crm_due_escalations_sql(now, limit),
            )
        )
        pairs = cr.fetchall()
        if not pairs:
            return 0
        self.invalidate_model(["fired_escalation_ids"])
        lines = self.browse({line_id for line_id, _step_id in pairs})
        steps = self.env["crm.sla.escalation"].browse({step_id for _line_id, step_id in pairs})
        lines.fetch(["complaint_id", "target", "deadline", "state"])
        steps.fetch(["trigger", "recipient", "user_id", "hours"])
        lines.complaint_id._crm_sla_escalate(
            [(self.browse(line_id), steps.browse(step_id)) for line_id, step_id in pairs]
        )
        return len(pairs)

    def _crm_escalation_text(self, step):
        """The note and activity text of an escalation step for this line (translated)."""
        self.ensure_one()
        target = dict(self._fields["target"]._description_selection(self.env))[self.target]
        deadline = fields.Datetime.to_string(self.deadline) if self.deadline else ""
        if step.trigger == "at_risk":
            return self.env._(
                "SLA %(target)s target at risk: due %(deadline)s (UTC).", target=target, deadline=deadline
            )
        if step.trigger == "breach":
            return self.env._(
                "SLA %(target)s target failed: it was due %(deadline)s (UTC).",
                target=target,
                deadline=deadline,
            )
        return self.env._(
            "SLA %(target)s target still not met %(hours)s hours after its deadline %(deadline)s (UTC).",
            target=target,
            hours=step.hours,
            deadline=deadline,
        )

    def _crm_escalation_body(self, step, user):
        text = self._crm_escalation_text(step)
        if user:
            return Markup("<p>%s</p><p>%s</p>") % (
                escape(text),
                escape(self.env._("Escalated to %(user)s.", user=user.name)),
            )
        return Markup("<p>%s</p>") % escape(text)
