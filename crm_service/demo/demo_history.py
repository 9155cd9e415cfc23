"""The past of crm_service's demo cases: replies, stage changes, escalations, ratings, weeks back.

Plain functions taking ``env``, outside the models: production never imports this module.
The install hook calls :func:`load` when the demo data of ``crm_service`` was loaded, after
every demo file (``demo/*.xml``), in the transaction that created the demo records.
"""

from datetime import timedelta

from odoo import fields
from odoo.tools import SQL

# (case, weeks back, steps). Whole weeks keep every date on its weekday, so the working-hour
# deadlines stay on working days. Steps run in order, as the case's agent.
CASES = [
    ("crm_service_demo_case_new", 0, []),
    ("crm_service_demo_case_new_critical", 0, []),
    ("crm_service_demo_case_dedicated", 0, ["take", "reply"]),
    ("crm_service_demo_case_open", 1, ["take", "reply"]),
    ("crm_service_demo_case_waiting_customer", 1, ["take", "reply", "waiting_customer"]),
    ("crm_service_demo_case_escalated", 1, ["take", "reply", "escalate"]),
    ("crm_service_demo_case_reopened", 1, ["take", "reply", "resolve", "reopen"]),
    ("crm_service_demo_case_waiting_third_party", 2, ["take", "reply", "waiting_third_party"]),
    ("crm_service_demo_case_resolved", 2, ["take", "reply", "resolve"]),
    ("crm_service_demo_case_cancelled", 2, ["cancelled"]),
    ("crm_service_demo_case_closed_request", 3, ["take", "reply", "resolve", "closed", "rate_3"]),
    (
        "crm_service_demo_case_closed_complaint",
        4,
        ["take", "reply", "actions_done", "resolve", "closed", "rate_5"],
    ),
]
REPLY = "<p>Thank you for letting us know. We are looking into it and will come back to you shortly.</p>"


def load(env):
    cases = env["crm.complaint"]
    for xmlid, weeks, steps in CASES:
        case = env.ref(f"crm_service.{xmlid}")
        for step in steps:
            _run_step(env, case, step)
        cases |= case
        if weeks:
            _shift(env, case, timedelta(weeks=weeks))
    env.invalidate_all()
    # what the SLA cron would have done meanwhile: the targets whose deadline passed are at
    # risk or failed, and their escalation steps fired (no commit: the install's transaction)
    Line = env["crm.complaint.sla.line"]
    now = fields.Datetime.now()
    Line._crm_flip_states(now, 10_000)
    Line._crm_fire_escalations(now, 10_000)


def _run_step(env, case, step):
    agent = case.user_id or env.ref("base.user_demo")
    as_agent = case.with_user(agent)
    if step == "take":
        as_agent.action_take()
    elif step == "reply":
        as_agent.message_post(body=REPLY, message_type="comment", subtype_xmlid="mail.mt_comment")
    elif step == "escalate":
        as_agent.action_escalate_technical()
    elif step == "resolve":
        as_agent.action_resolve()
    elif step == "reopen":
        as_agent.action_reopen()
    elif step == "actions_done":
        case.action_ids.write({"done_date": fields.Date.context_today(case), "effective": True})
    elif step.startswith("rate_"):
        token = case._rating_get_access_token()
        case.rating_apply(int(step[len("rate_") :]), token=token, feedback="Quick and friendly, thank you.")
    else:  # a stage by its state
        as_agent.stage_id = env.ref(f"crm_service.crm_complaint_stage_{step}")


def _shift(env, case, delta):
    """Move every date of ``case`` (its own, its SLA targets', its messages' and activities')
    ``delta`` back."""
    env.flush_all()
    cr = env.cr
    cr.execute(
        SQL(
            """
            UPDATE crm_complaint
               SET create_date = create_date - %(delta)s, write_date = write_date - %(delta)s,
                   first_response_date = first_response_date - %(delta)s,
                   resolved_date = resolved_date - %(delta)s, closed_date = closed_date - %(delta)s
             WHERE id = %(id)s
            """,
            delta=delta,
            id=case.id,
        )
    )
    cr.execute(
        SQL(
            """
            UPDATE crm_complaint_sla_line
               SET create_date = create_date - %(delta)s, deadline = deadline - %(delta)s,
                   warn_date = warn_date - %(delta)s, start_date = start_date - %(delta)s,
                   reached_date = reached_date - %(delta)s
             WHERE complaint_id = %(id)s
            """,
            delta=delta,
            id=case.id,
        )
    )
    cr.execute(
        SQL(
            """
            UPDATE mail_message SET date = date - %(delta)s, create_date = create_date - %(delta)s
             WHERE model = 'crm.complaint' AND res_id = %(id)s
            """,
            delta=delta,
            id=case.id,
        )
    )
    cr.execute(
        SQL(
            "UPDATE rating_rating SET create_date = create_date - %(delta)s,"
            " write_date = write_date - %(delta)s WHERE res_model = 'crm.complaint' AND res_id = %(id)s",
            delta=delta,
            id=case.id,
        )
    )
