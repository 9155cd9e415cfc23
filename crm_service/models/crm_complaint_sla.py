# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError

from .crm_complaint_sla_line import SLA_STATES

#: fields only the SLA engine writes
SLA_ENGINE_FIELDS = frozenset(
    {
        "sla_policy_id",
        "sla_line_ids",
        "response_deadline",
        "resolution_deadline",
        "sla_state",
    }
)
#: a change of these re-matches the policy, keeping the hours used
SLA_REMATCH_FIELDS = ("severity", "category_id")
#: the summary's order: the first state some line has wins
SLA_STATE_PRIORITY = ("failed", "at_risk", "ok", "paused", "reached")
CLOCK_RUNNING, CLOCK_STOPPED, CLOCK_DONE = "running", "stopped", "done"


class CrmComplaint(models.Model):
    """The SLA of a case: its policy, its two targets (lines) and the rules moving their clocks.

    The rules: the clock runs from creation; a stage with ``sla_pause`` (or a cancelled case)
    stops it, keeping the hours used and clearing the deadline, and leaving it plans the hours
    left from that moment; the response target is met by the first public reply of an internal
    user, the resolution target by a ``resolved`` (or ``closed``) stage; reopening resumes the
    resolution clock where it stopped; a change of severity or category re-matches the policy,
    keeping the hours used; a failed target stays failed.
    """

    _inherit = "crm.complaint"

    sla_policy_id = fields.Many2one(
        "crm.sla.policy",
        string="SLA Policy",
        readonly=True,
        copy=False,
        index="btree_not_null",
        tracking=True,
    )
    sla_line_ids = fields.One2many(
        "crm.complaint.sla.line", "complaint_id", string="SLA Targets", readonly=True, copy=False
    )
    response_deadline = fields.Datetime(
        compute="_compute_sla_deadlines",
        store=True,
        copy=False,
        help="Empty while the clock is paused or once met.",
    )
    resolution_deadline = fields.Datetime(
        compute="_compute_sla_deadlines",
        store=True,
        copy=False,
        help="Empty while the clock is paused or once met.",
    )
    sla_state = fields.Selection(
        SLA_STATES, string="SLA", compute="_compute_sla_state", store=True, index=True, copy=False
    )

    @api.depends("sla_line_ids.deadline", "sla_line_ids.reached_date", "sla_line_ids.target")
    def _compute_sla_deadlines(self):
        for case in self:
            deadlines = {line.target: line.deadline for line in case.sla_line_ids if not line.reached_date}
            case.response_deadline = deadlines.get("response") or False
            case.resolution_deadline = deadlines.get("resolution") or False

    @api.depends("sla_line_ids.state")
    def _compute_sla_state(self):
        for case in self:
            states = set(case.sla_line_ids.mapped("state"))
            case.sla_state = next((state for state in SLA_STATE_PRIORITY if state in states), False)

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and any(SLA_ENGINE_FIELDS & set(vals) for vals in vals_list):
            raise AccessError(
                self.env._("SLA policies and deadlines are set by the SLA engine, not by hand.")
            )
        cases = super().create(vals_list)
        cases._crm_sla_apply_policies(fields.Datetime.now())
        return cases

    def write(self, vals):
        if not self.env.su and SLA_ENGINE_FIELDS & set(vals):
            raise AccessError(
                self.env._("SLA policies and deadlines are set by the SLA engine, not by hand.")
            )
        track_clock = "stage_id" in vals
        rematch = any(name in vals for name in SLA_REMATCH_FIELDS)
        before = {case.id: case._crm_sla_clock() for case in self} if track_clock else {}
        result = super().write(vals)
        now = fields.Datetime.now()
        if track_clock:
            self._crm_sla_move_clocks(before, now)
        if rematch:
            self._crm_sla_apply_policies(now)
        if vals.get("first_response_date"):
            self._crm_sla_reach_response(fields.Datetime.to_datetime(vals["first_response_date"]))
        return result

    def _crm_sla_reach_response(self, when):
        """The first response (``first_response_date``, stamped by the case on the first public
        reply of an internal user) meets the response target."""
        # engine bookkeeping of a reply the user was allowed to post: sudo writes the lines only
        lines = self.sudo().sla_line_ids.filtered(lambda line: line.target == "response")
        lines._crm_reach(when)

    # ------------------------------------------------------------------
    # Engine
    # ------------------------------------------------------------------

    def _crm_sla_clock(self):
        """Whether the case's SLA clocks run, are stopped (pause stage, cancelled) or done."""
        self.ensure_one()
        if self.stage_id.state in ("resolved", "closed"):
            return CLOCK_DONE
        if self.stage_id.sla_pause or self.stage_id.state == "cancelled":
            return CLOCK_STOPPED
        return CLOCK_RUNNING

    def _crm_sla_move_clocks(self, before, now):
        """Apply the stage changes of these cases to their lines (batched per kind of move)."""
        # the engine writes the lines: users never may (see the access rights)
        Line = self.env["crm.complaint.sla.line"].sudo()
        moves = defaultdict(list)  # kind of move -> line ids (no recordset union in the loop)
        for case in self.sudo():
            old, new = before.get(case.id), case._crm_sla_clock()
            if old == new or not case.sla_line_ids:
                continue
            for line in case.sla_line_ids:
                if new == CLOCK_DONE:
                    # resolving answers the customer too: an unanswered response target is met
                    moves["reach"].append(line.id)
                elif old == CLOCK_DONE:
                    if line.target == "resolution":
                        moves["reopen" if new == CLOCK_RUNNING else "reopen_stopped"].append(line.id)
                    elif new == CLOCK_RUNNING and not line.reached_date:
                        moves["resume"].append(line.id)
                elif new == CLOCK_STOPPED:
                    moves["pause"].append(line.id)
                elif not line.reached_date and not line.start_date:
                    moves["resume"].append(line.id)
        Line.browse(moves["pause"])._crm_pause(now)
        Line.browse(moves["reach"])._crm_reach(now)
        Line.browse(moves["resume"])._crm_start(now)
        Line.browse(moves["reopen"])._crm_reopen(now, running=True)
        Line.browse(moves["reopen_stopped"])._crm_reopen(now, running=False)

    def _crm_sla_apply_policies(self, now):
        """Match the policy of each case and (re)plan its lines.

        New cases get their two lines planned from ``now``; a case whose policy changes keeps
        the working hours already used (counted on the old calendar up to now) and is planned
        again on the new targets; reached and failed targets keep their outcome.
        """
        cases = self.sudo()  # the engine sets the policy and writes lines (see SLA_ENGINE_FIELDS)
        Policy = self.env["crm.sla.policy"].sudo()
        matches = Policy._crm_match(cases)
        changed = {}
        for case in cases:
            policy = matches.get(case, Policy)
            if policy != case.sla_policy_id or (policy and not case.sla_line_ids):
                changed[case] = policy
        if not changed:
            return
        Line = self.env["crm.complaint.sla.line"].sudo()
        # hours used so far, on the old policy's calendar, in one batch per calendar
        open_lines = Line.browse(
            [line.id for case in changed for line in case.sla_line_ids if not line.reached_date]
        )
        open_lines._crm_consume(now)
        new_lines, replan, drop = [], [], []
        by_policy = defaultdict(list)
        for case, policy in changed.items():
            by_policy[policy].append(case.id)
            existing = {line.target: line for line in case.sla_line_ids}
            clock = case._crm_sla_clock()
            for target, hours in (
                ("response", policy.response_hours),
                ("resolution", policy.resolution_hours),
            ):
                line = existing.get(target)
                if not policy:
                    if line and not line.reached_date and line.state != "failed":
                        drop.append(line.id)
                    continue
                values = {"policy_id": policy.id, "target_hours": hours, "warn_ratio": policy.warn_ratio}
                if line:
                    if not line.reached_date:
                        line.write(values)
                        if clock == CLOCK_RUNNING:
                            replan.append(line.id)
                elif target == "response" and case.first_response_date:
                    # answered before any policy applied: met then
                    new_lines.append(
                        dict(
                            values,
                            complaint_id=case.id,
                            target=target,
                            state="reached",
                            reached_date=case.first_response_date,
                        )
                    )
                elif clock != CLOCK_DONE:
                    new_lines.append(
                        dict(
                            values,
                            complaint_id=case.id,
                            target=target,
                            state="ok" if clock == CLOCK_RUNNING else "paused",
                        )
                    )
        for policy, case_ids in by_policy.items():
            cases.browse(case_ids).write({"sla_policy_id": policy.id})
        Line.browse(drop).unlink()
        created = Line.create(new_lines)
        (Line.browse(replan) | created.filtered(lambda line: line.state == "ok"))._crm_start(now)

    def _crm_sla_escalate(self, fired):
        """Fire escalation steps: ``fired`` is a list of (sla line, escalation step).

        For each: an activity for the recipient, a note in the chatter and, for a breach, an
        e-mail to the team leader. Activities and e-mails are created in one batch each, the
        notes logged in one batch per case set.
        """
        activity_type = self.env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
        model_id = self.env["ir.model"]._get_id("crm.complaint")
        today = fields.Date.context_today(self)
        activities, mails, bodies = [], [], defaultdict(list)
        for line, step in fired:
            case = line.complaint_id
            user = case._crm_sla_recipient(step)
            text = line._crm_escalation_text(step)
            bodies[case.id].append(line._crm_escalation_body(step, user))
            if user:
                activities.append(
                    {
                        "res_model_id": model_id,
                        "res_id": case.id,
                        "activity_type_id": activity_type.id if activity_type else False,
                        "user_id": user.id,
                        "summary": self.env._("SLA escalation: %(case)s", case=case.name),
                        "note": text,
                        "date_deadline": today,
                    }
                )
            leader = case.team_id.leader_id
            if step.trigger in ("breach", "after_breach") and leader.email:
                mails.append(
                    {
                        "subject": self.env._("SLA breach on %(case)s", case=case.display_name),
                        "body_html": line._crm_escalation_body(step, user),
                        "email_to": leader.email_formatted,
                        "email_from": case.company_id.email_formatted or self.env.user.email_formatted,
                        "model": "crm.complaint",
                        "res_id": case.id,
                        "auto_delete": True,
                    }
                )
        # the cron runs as the superuser's stand-in; activities for other users, notes and
        # outgoing e-mails are its job: sudo is safe, the content is the engine's own text
        if activities:
            self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(activities)
        if mails:
            self.env["mail.mail"].sudo().create(mails)
        cases = self.browse(list(bodies)).sudo()
        cases._message_log_batch(bodies={case_id: Markup().join(parts) for case_id, parts in bodies.items()})

    def _crm_sla_recipient(self, step):
        """The user an escalation step tells about this case (may be empty)."""
        self.ensure_one()
        if step.recipient == "assignee":
            return self.user_id
        if step.recipient == "team_leader":
            return self.team_id.leader_id
        if step.recipient == "escalation_team":
            return self.team_id.escalation_team_id.leader_id or self.team_id.leader_id
        if step.recipient == "service_manager":
            return step.user_id or self.team_id.leader_id
        if step.recipient == "customer_owner":
            return self.commercial_partner_id.user_id
        return self.env["res.users"]
