"""The daily work on the installed base: wear refresh, visit planning, replacement opportunities.

Each step is set-based and chunked: one query finds a batch, the batch is processed in bulk, the
cron commits (outside tests) and reports its progress; a rerun after a crash continues where it
stopped, since each step skips what is already done (a visit exists for the due date, an open
opportunity exists for the equipment, the wear is up to date).
"""

from odoo import api, fields, models, modules, tools
from odoo.tools import SQL

from ..utils.equipment_faults import FAULT_WINDOW, faults_sql

#: equipment per batch of the daily cron (one commit each)
CRON_BATCH_SIZE = 1000
REPLACEMENT_REASONS = [
    ("wear", "Wear"),
    ("faults", "Repeated Faults"),
]


class CrmEquipment(models.Model):
    _inherit = "crm.equipment"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------ cron

    @api.model
    def _cron_equipment_daily(self, batch_size=CRON_BATCH_SIZE):
        """Refresh the wear, plan the visits due, create the replacement opportunities."""
        today = fields.Date.context_today(self)
        self._crm_refresh_wear(today, batch_size)
        planned = self._crm_plan_due_visits(today, batch_size)
        self._crm_create_replacement_leads(batch_size=batch_size)
        return planned

    def _crm_commit(self):
        if not tools.config["test_enable"] and not modules.module.current_test:
            self.env.cr.commit()  # pylint: disable=invalid-commit

    @api.model
    def _crm_wear_sql(self, today):
        """The wear of ``crm_equipment e`` joined to its plan ``p``, as ``equipment_wear.wear_percent``."""
        until = SQL("LEAST(COALESCE(e.retire_date, %(today)s), %(today)s)", today=today)
        return SQL(
            """ROUND((100.0 * GREATEST(
                   CASE WHEN COALESCE(p.life_months, 0) > 0 AND e.install_date IS NOT NULL
                        THEN GREATEST(0, %(until)s - e.install_date)::float
                             / ((e.install_date + make_interval(months => p.life_months))::date
                                - e.install_date)
                        ELSE 0 END,
                   CASE WHEN COALESCE(p.life_usage, 0) > 0 THEN COALESCE(e.usage_total, 0) / p.life_usage
                        ELSE 0 END))::numeric, 2)::float""",
            until=until,
        )

    @api.model
    def _crm_refresh_wear(self, today, batch_size=CRON_BATCH_SIZE):
        """Bring the stored wear (which grows with time) to ``today``: one UPDATE per id range."""
        self.flush_model()
        self.env["crm.equipment.plan"].flush_model()
        cron = self.env["ir.cron"]
        self.env.cr.execute(SQL("SELECT COALESCE(MAX(id), 0), COUNT(*) FROM crm_equipment"))
        max_id, total = self.env.cr.fetchone()
        bands = SQL(
            """CASE WHEN w.wear < 25 THEN '0_25' WHEN w.wear < 50 THEN '25_50' WHEN w.wear < 75 THEN '50_75'
                    WHEN w.wear < 90 THEN '75_90' WHEN w.wear < 100 THEN '90_100' ELSE '100_plus' END"""
        )
        after, done, changed = 0, 0, 0
        step = max(batch_size, 1) * 10
        while after < max_id:
            self.env.cr.execute(
                SQL(
                    """UPDATE crm_equipment target
                          SET wear_percent = w.wear, wear_band = %(bands)s
                         FROM (SELECT e.id, %(wear)s AS wear
                                 FROM crm_equipment e
                            LEFT JOIN crm_equipment_plan p ON p.id = e.plan_id
                                WHERE e.id > %(after)s AND e.id <= %(until)s) w
                        WHERE target.id = w.id
                          AND (target.wear_percent IS DISTINCT FROM w.wear OR target.wear_band IS NULL)""",
                    bands=bands,
                    wear=self._crm_wear_sql(today),
                    after=after,
                    until=after + step,
                )
            )
            changed += self.env.cr.rowcount
            after += step
            done = min(total, done + step)
            cron._notify_progress(done=done, remaining=max(0, total - done))
            self._crm_commit()
        if changed:
            self.invalidate_model(["wear_percent", "wear_band"])
        return changed

    @api.model
    def _crm_due_visits_sql(self, today, limit):
        """Equipment whose visit is due for planning (next due minus lead days reached), without a
        planned preventive visit and without a visit for that due date (planned, done or cancelled:
        a visit cancelled for a due date is not planned again), with the assignee of the visit:
        the equipment's technician, else the leader of the customer's service team, else the
        leader of the company's default equipment team."""
        return SQL(
            """
            SELECT e.id, e.next_due, COALESCE(e.user_id, team.leader_id, default_team.leader_id)
              FROM crm_equipment e
              JOIN res_partner p ON p.id = e.partner_id
              JOIN res_company c ON c.id = e.company_id
         LEFT JOIN crm_service_team team ON team.id = p.service_team_id AND team.active
         LEFT JOIN crm_service_team default_team ON default_team.id = c.crm_equipment_team_id
             WHERE e.next_plan_date <= %(today)s AND e.active AND e.state != 'retired'
               AND NOT EXISTS (
                     SELECT 1 FROM crm_service_visit v
                      WHERE v.equipment_id = e.id AND v.visit_type = 'preventive'
                        AND (v.state = 'planned' OR v.plan_due_date = e.next_due))
          ORDER BY e.next_plan_date, e.id
             LIMIT %(limit)s
            """,
            today=today,
            limit=limit,
        )

    @api.model
    def _crm_plan_due_visits(self, today, batch_size=CRON_BATCH_SIZE):
        """Create a planned preventive visit and its to-do activity for each equipment due."""
        Visit = self.env["crm.service.visit"].with_context(
            tracking_disable=True, mail_create_nolog=True, mail_create_nosubscribe=True, mail_notrack=True
        )
        cron = self.env["ir.cron"]
        todo_type = self.env.ref("mail.mail_activity_data_todo")
        visit_model_id = self.env["ir.model"]._get_id("crm.service.visit")
        planned = 0
        while True:
            for model in (
                "crm.equipment",
                "crm.service.visit",
                "res.partner",
                "crm.service.team",
                "res.company",
            ):
                self.env[model].flush_model()
            self.env.cr.execute(self._crm_due_visits_sql(today, batch_size))
            rows = self.env.cr.fetchall()
            if not rows:
                break
            visits = Visit.create(
                [
                    {
                        "equipment_id": equipment_id,
                        "visit_type": "preventive",
                        "scheduled_date": due,
                        "plan_due_date": due,
                        "user_id": user_id,
                    }
                    for equipment_id, due, user_id in rows
                ]
            )
            summary = self.env._("Preventive visit due")
            self.env["mail.activity"].with_context(mail_activity_quick_update=True).create(
                [
                    {
                        "res_model_id": visit_model_id,
                        "res_id": visit.id,
                        "activity_type_id": todo_type.id,
                        "summary": summary,
                        "date_deadline": max(due, today),
                        "user_id": user_id or self.env.uid,
                    }
                    for visit, (_equipment_id, due, user_id) in zip(visits, rows, strict=True)
                ]
            )
            planned += len(rows)
            cron._notify_progress(done=planned, remaining=0 if len(rows) < batch_size else batch_size)
            self._crm_commit()
            if len(rows) < batch_size:
                break
        return planned

    # ------------------------------------------------------------------ replacement

    @api.model
    def _crm_replacement_sql(self, today, equipment_ids, limit):
        """Equipment (not retired) due for replacement: wear at the company's threshold, or at
        least the company's number of faults in the last 12 months; without an open replacement
        opportunity (an active lead not won). Columns: equipment, reason, wear, faults."""
        equipment_filter = (
            SQL("TRUE") if equipment_ids is None else SQL("e.id = ANY(%s)", list(equipment_ids))
        )
        return SQL(
            """
            WITH recent AS (
                SELECT f.equipment_id, COUNT(*) AS faults
                  FROM (%(faults)s) f
                 WHERE f.date > %(since)s AND f.date <= %(today)s
              GROUP BY f.equipment_id
            )
            SELECT e.id,
                   CASE WHEN COALESCE(recent.faults, 0) >= c.crm_equipment_fault_threshold
                        THEN 'faults' ELSE 'wear' END,
                   e.wear_percent, COALESCE(recent.faults, 0)
              FROM crm_equipment e
              JOIN res_company c ON c.id = e.company_id
         LEFT JOIN recent ON recent.equipment_id = e.id
             WHERE e.active AND e.state != 'retired' AND %(equipment_filter)s
               AND (e.wear_percent >= c.crm_equipment_wear_threshold
                    OR (c.crm_equipment_fault_threshold > 0
                        AND COALESCE(recent.faults, 0) >= c.crm_equipment_fault_threshold))
               AND NOT EXISTS (
                     SELECT 1 FROM crm_lead l
                  LEFT JOIN crm_stage s ON s.id = l.stage_id
                      WHERE l.crm_equipment_id = e.id AND l.active AND NOT COALESCE(s.is_won, FALSE))
          ORDER BY e.id
             LIMIT %(limit)s
            """,
            faults=faults_sql(),
            since=today - FAULT_WINDOW,
            today=today,
            equipment_filter=equipment_filter,
            limit=limit,
        )

    @api.model
    def _crm_create_replacement_leads(self, equipment=None, batch_size=CRON_BATCH_SIZE):
        """Create the replacement opportunities due, for ``equipment`` (a recordset) or all."""
        if equipment is not None and not equipment:
            return self.env["crm.lead"]
        today = fields.Date.context_today(self)
        leads = self.env["crm.lead"]
        while True:
            for model in ("crm.equipment", "crm.service.visit", "crm.complaint", "crm.lead", "res.company"):
                self.env[model].flush_model()
            self.env.cr.execute(
                self._crm_replacement_sql(today, None if equipment is None else equipment.ids, batch_size)
            )
            rows = self.env.cr.fetchall()
            if not rows:
                break
            # the system proposes the opportunity to the customer's owner: the equipment, the
            # customer and the reason are read from the database, nothing comes from the user
            batch = self.sudo().browse([row[0] for row in rows])
            values = [
                item._crm_replacement_lead_values(reason, wear, faults)
                for item, (_id, reason, wear, faults) in zip(batch, rows, strict=True)
            ]
            leads |= self.env["crm.lead"].sudo().with_context(mail_create_nosubscribe=True).create(values)
            self._crm_commit()
            if len(rows) < batch_size:
                break
        return leads

    def _crm_replacement_lead_values(self, reason, wear, faults):
        self.ensure_one()
        customer = self.partner_id
        if reason == "faults":
            text = self.env._(
                "%(equipment)s had %(faults)s faults in the last 12 months.",
                equipment=self.display_name,
                faults=faults,
            )
        else:
            text = self.env._(
                "%(equipment)s has reached %(wear)s%% wear of its expected life.",
                equipment=self.display_name,
                wear=round(wear or 0.0, 1),
            )
        return {
            "name": self.env._("Replacement: %(equipment)s", equipment=self.display_name),
            "type": "opportunity",
            "partner_id": customer.id,
            "user_id": customer.user_id.id or False,
            "team_id": customer.crm_team_id.id or False,
            "company_id": self.company_id.id,
            "crm_equipment_id": self.id,
            "crm_equipment_reason": reason,
            "description": text,
        }
