"""Who may do what: the access matrix of the CRM suite, as one table a consultant can read.

Each cell holds four letters, in this order: ``r`` read, ``w`` write, ``c`` create, ``u`` delete
(unlink); a dash is an operation refused. ``"r---"`` reads only, ``"rwcu"`` does everything.

``MODEL_ACCESS`` gives the rights on each model (the access rows of ``security/
ir.model.access.csv``): what the menus and the buttons may offer at all. Every model of the
access files of the three addons has a row; wizards (transient models) are checked here only.

``RECORD_ACCESS`` gives the rights on real records, where the record rules decide: a
salesperson's own customer, a colleague's, a customer in a pool open to them, in another team's
pool, in another company... For a record, ``c`` means creating a record like it (same owner,
pool and company). Each cell is tried for real as that user: read by ``search`` and ``read``,
write by ``write``, create by ``create`` and delete by ``unlink``, each undone afterwards.

The roles:

* ``salesperson``: Sales / User: Own Documents, member of the team North;
* ``team_leader``: a salesperson who leads the team North (its members are colleagues);
* ``sales_manager``: Sales / Administrator;
* ``portal``: a portal user, contact of the salesperson's own customer;
* ``other_company``: a salesperson of a second company only;
* ``service_agent``: Customer Service / User: Service Agent, an internal user without a sales role;
* ``service_manager``: Customer Service / Manager, without a sales role.
"""

import csv
from contextlib import contextmanager

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.modules.module import get_module_path
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import CrmSuiteCase

ADDONS = ("crm_lifecycle", "crm_value", "crm_service")
ROLES = ("salesperson", "team_leader", "sales_manager", "portal", "other_company")
# crm_service's roles: a service agent and a service manager, internal users without a sales role
SERVICE_ROLES = {
    "service_agent": "crm_service.group_crm_service_user",
    "service_manager": "crm_service.group_crm_service_manager",
}
ALL_ROLES = ROLES + tuple(SERVICE_ROLES)
OPERATIONS = ("read", "write", "create", "unlink")

# fmt: off
MODEL_ACCESS = {
    # cells: salesperson, team_leader, sales_manager, portal, other_company, service_agent,
    # service_manager
    "res.partner":                         ("rwc-", "rwc-", "rwc-", "r---", "rwc-", "r---", "r---"),
    "crm.lifecycle.stage":                 ("r---", "r---", "rwcu", "----", "r---", "r---", "r---"),
    "crm.partner.event":                   ("r---", "r---", "r---", "----", "r---", "----", "----"),
    "crm.lifecycle.funnel.report":         ("r---", "r---", "r---", "----", "r---", "----", "----"),
    "crm.talk.script":                     ("r---", "r---", "rwcu", "----", "r---", "----", "----"),
    "crm.pool":                            ("r---", "r---", "rwcu", "----", "r---", "r---", "r---"),
    "crm.pool.level":                      ("r---", "r---", "rwcu", "----", "r---", "r---", "r---"),
    "crm.pool.owner.report":               ("r---", "r---", "r---", "----", "r---", "----", "----"),
    "crm.customer.import":                 ("rwc-", "rwc-", "rwcu", "----", "rwc-", "----", "----"),
    "crm.customer.import.column":          ("rwcu", "rwcu", "rwcu", "----", "rwcu", "----", "----"),
    "crm.customer.import.error":           ("r--u", "r--u", "r--u", "----", "r--u", "----", "----"),
    "crm.customer.import.mapping":         ("r-c-", "r-c-", "rwcu", "----", "r-c-", "----", "----"),
    "crm.customer.import.mapping.line":    ("r-c-", "r-c-", "rwcu", "----", "r-c-", "----", "----"),
    "crm.customer.check.log":              ("r---", "r---", "r---", "----", "r---", "----", "----"),
    # crm_value: scores, snapshots and models are written by the recompute only
    "crm.value.score":                     ("r---", "r---", "r---", "----", "r---", "----", "----"),
    "crm.value.snapshot":                  ("r---", "r---", "r---", "----", "r---", "----", "----"),
    "crm.value.benefit":                   ("rwc-", "rwc-", "rwcu", "----", "rwc-", "----", "----"),
    "crm.value.rfm.segment":               ("r---", "r---", "rwcu", "----", "r---", "r---", "r---"),
    "crm.value.clv.model":                 ("----", "----", "r---", "----", "----", "----", "----"),
    "crm.value.service.tier.rule":         ("r---", "r---", "rwcu", "----", "r---", "r---", "r---"),
    "crm.value.churn.report":              ("r---", "r---", "r---", "----", "r---", "----", "----"),
    "crm.value.purchase.day":              ("----", "----", "r---", "----", "----", "----", "----"),
    # crm_service: salespeople read (the cases of the customers they may see: record rules);
    # sales managers are service managers; portal users read their cases (record rules)
    "crm.service.team":                    ("r---", "r---", "rwcu", "----", "r---", "r---", "rwcu"),
    "crm.complaint":                       ("r---", "r---", "rwcu", "r---", "r---", "rwc-", "rwcu"),
    "crm.complaint.stage":                 ("r---", "r---", "rwcu", "r---", "r---", "r---", "rwcu"),
    "crm.complaint.category":              ("r---", "r---", "rwcu", "r---", "r---", "r---", "rwcu"),
    "crm.complaint.root.cause":            ("r---", "r---", "rwcu", "----", "r---", "r---", "rwcu"),
    "crm.complaint.action":                ("r---", "r---", "rwcu", "----", "r---", "rwc-", "rwcu"),
    # SLA: policies read by the service and sales users, lines written by the SLA engine only
    "crm.sla.policy":                      ("r---", "r---", "rwcu", "----", "r---", "r---", "rwcu"),
    "crm.sla.escalation":                  ("----", "----", "rwcu", "----", "----", "r---", "rwcu"),
    "crm.complaint.sla.line":              ("r---", "r---", "r---", "----", "r---", "r---", "r---"),
    # reports of the service managers (sales managers are service managers)
    "crm.service.sla.report":              ("----", "----", "r---", "----", "----", "----", "r---"),
    "crm.complaint.report":                ("----", "----", "r---", "----", "----", "----", "r---"),
    # care plans: rules set by service managers; events done by their agent or the customer's
    # salesperson (record rules), created by the care cron only
    "crm.care.rule":                       ("r---", "r---", "rwcu", "----", "r---", "r---", "rwcu"),
    "crm.care.event":                      ("rw--", "rw--", "rwcu", "----", "rw--", "rw--", "rwcu"),
    "crm.care.report":                     ("----", "----", "r---", "----", "----", "r---", "r---"),
    # suggestions: handled by the service users; salespeople read them (the requesters of the
    # customers they may see) and log them through the wizard; portal users through /my only
    "crm.suggestion":                      ("r---", "r---", "rwcu", "----", "r---", "rwc-", "rwcu"),
    "crm.suggestion.vote":                 ("r---", "r---", "rwcu", "----", "r---", "rwc-", "rwcu"),
    # installed base: equipment, readings and visits kept by the service users, plans set by
    # the service managers; salespeople read those of the customers they may see
    "crm.equipment":                       ("r---", "r---", "rwcu", "----", "r---", "rwc-", "rwcu"),
    "crm.equipment.reading":               ("r---", "r---", "rwcu", "----", "r---", "rwc-", "rwcu"),
    "crm.equipment.plan":                  ("r---", "r---", "rwcu", "----", "r---", "r---", "rwcu"),
    "crm.service.visit":                   ("r---", "r---", "rwcu", "----", "r---", "rwc-", "rwcu"),
    "crm.service.visit.part":              ("r---", "r---", "rwcu", "----", "r---", "rwcu", "rwcu"),
    "crm.equipment.fault":                 ("----", "----", "r---", "----", "----", "r---", "r---"),
    "crm.equipment.mtbf.report":           ("----", "----", "r---", "----", "----", "r---", "r---"),
    # wizards
    "crm.lifecycle.stage.change":          ("----", "----", "rwc-", "----", "----", "----", "----"),
    "crm.customer.check":                  ("rwc-", "rwc-", "rwc-", "----", "rwc-", "----", "----"),
    "crm.customer.check.result":           ("rwcu", "rwcu", "rwcu", "----", "rwcu", "----", "----"),
    "crm.pool.release":                    ("rwc-", "rwc-", "rwc-", "----", "rwc-", "----", "----"),
    "crm.pool.assign":                     ("----", "----", "rwc-", "----", "----", "----", "----"),
    "crm.value.snapshot.backfill":         ("----", "----", "rwcu", "----", "----", "----", "----"),
    "crm.contact.log":                     ("rwc-", "rwc-", "rwc-", "----", "rwc-", "----", "----"),
    "crm.complaint.ask.expert":            ("----", "----", "rwcu", "----", "----", "rwcu", "rwcu"),
    "crm.care.event.done":                 ("rwcu", "rwcu", "rwcu", "----", "rwcu", "rwcu", "rwcu"),
    "crm.suggestion.log":                  ("rwcu", "rwcu", "rwcu", "----", "rwcu", "rwcu", "rwcu"),
    "crm.suggestion.merge":                ("----", "----", "rwcu", "----", "----", "----", "rwcu"),
}

RECORD_ACCESS = {
    "res.partner": {
        # cells: salesperson, team_leader, sales_manager, portal, other_company, service_agent,
        # service_manager
        "own customer":                    ("rwc-", "rw--", "rwc-", "r---", "----", "r---", "r---"),
        "colleague's customer":            ("----", "rw--", "rwc-", "----", "----", "r---", "r---"),
        "other team's customer":           ("----", "----", "rwc-", "----", "----", "r---", "r---"),
        "company pool customer":           ("r-c-", "r-c-", "rwc-", "----", "----", "r---", "r---"),
        "own team's pool customer":        ("r-c-", "r-c-", "rwc-", "----", "----", "r---", "r---"),
        "other team's pool customer":      ("--c-", "--c-", "rwc-", "----", "----", "r---", "r---"),
        "other company's customer":        ("----", "----", "----", "----", "rwc-", "----", "----"),
        "contact of a colleague's customer with a portal login":
                                           ("----", "rwc-", "rwc-", "----", "----", "r---", "r---"),
        "vendor (not followed)":           ("rwc-", "rwc-", "rwc-", "----", "rwc-", "r---", "r---"),
    },
    "crm.partner.event": {
        "event of own customer":           ("r---", "r---", "r---", "----", "----", "----", "----"),
        "event of colleague's customer":   ("----", "r---", "r---", "----", "----", "----", "----"),
        "event of company pool customer":  ("r---", "r---", "r---", "----", "----", "----", "----"),
        "event of other team's pool customer":
                                           ("----", "----", "r---", "----", "----", "----", "----"),
        "event of other company's customer":
                                           ("----", "----", "----", "----", "r---", "----", "----"),
    },
    "crm.pool": {
        "own team's pool":                 ("r---", "r---", "rwcu", "----", "----", "r---", "r---"),
        "other team's pool":               ("r---", "r---", "rwcu", "----", "----", "r---", "r---"),
        "other company's pool":            ("----", "----", "----", "----", "r---", "----", "----"),
    },
    "crm.pool.level": {
        "level of own team's pool":        ("r---", "r---", "rwcu", "----", "----", "r---", "r---"),
        "level of other company's pool":   ("----", "----", "----", "----", "r---", "----", "----"),
    },
    "crm.talk.script": {
        "script of every company":         ("r---", "r---", "rwcu", "----", "r---", "----", "----"),
        "script of the company":           ("r---", "r---", "rwcu", "----", "----", "----", "----"),
        "script of other company":         ("----", "----", "----", "----", "r---", "----", "----"),
    },
    "crm.lifecycle.funnel.report": {
        "row of own customer":             ("r---", "r---", "r---", "----", "----", "----", "----"),
        "row of colleague's customer":     ("----", "r---", "r---", "----", "----", "----", "----"),
        "row of other company's customer":
                                           ("----", "----", "----", "----", "r---", "----", "----"),
    },
    "crm.pool.owner.report": {
        "own row":                         ("r---", "r---", "r---", "----", "----", "----", "----"),
        "colleague's row":                 ("----", "r---", "r---", "----", "----", "----", "----"),
    },
    "crm.customer.import": {
        "own import":                      ("rwc-", "----", "rwcu", "----", "----", "----", "----"),
        "colleague's import":              ("----", "----", "rwcu", "----", "----", "----", "----"),
        "other company's import":          ("----", "----", "----", "----", "rwc-", "----", "----"),
    },
    "crm.customer.import.error": {
        "skipped row of own import":       ("r--u", "----", "r--u", "----", "----", "----", "----"),
        "skipped row of colleague's import":
                                           ("----", "----", "r--u", "----", "----", "----", "----"),
    },
    "crm.customer.import.mapping": {
        "mapping of the company":          ("r-c-", "r-c-", "rwcu", "----", "----", "----", "----"),
        "mapping of other company":        ("----", "----", "----", "----", "r-c-", "----", "----"),
    },
}
# fmt: on


class _Undo(Exception):
    """Raised inside a savepoint to undo an operation that succeeded."""


@tagged("post_install", "-at_install")
class TestAccessMatrix(CrmSuiteCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        salesman = "sales_team.group_sale_salesman"
        cls.company = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "Matrix Company B"})
        cls.colleague = new_test_user(cls.env, login="crm_matrix_colleague", groups=salesman)
        cls.rival = new_test_user(cls.env, login="crm_matrix_rival", groups=salesman)
        cls.team_leader = new_test_user(cls.env, login="crm_matrix_leader", groups=salesman)
        cls.other_company_user = new_test_user(
            cls.env,
            login="crm_matrix_other_company",
            groups=salesman,
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
        )
        Team = cls.env["crm.team"]
        cls.team_north = Team.create(
            {
                "name": "Matrix North",
                "user_id": cls.team_leader.id,
                "member_ids": [Command.set((cls.salesperson | cls.colleague).ids)],
            }
        )
        cls.team_south = Team.create({"name": "Matrix South", "member_ids": [Command.set(cls.rival.ids)]})
        cls.team_b = Team.create(
            {
                "name": "Matrix B",
                "company_id": cls.company_b.id,
                "member_ids": [Command.set(cls.other_company_user.ids)],
            }
        )
        Pool = cls.env["crm.pool"]
        cls.company_pool = Pool._get_default(cls.company)
        cls.north_pool = Pool.create(
            {"name": "Matrix North Pool", "team_ids": [Command.set(cls.team_north.ids)]}
        )
        cls.south_pool = Pool.create(
            {"name": "Matrix South Pool", "team_ids": [Command.set(cls.team_south.ids)]}
        )
        cls.pool_b = Pool.create({"name": "Matrix Pool B", "company_id": cls.company_b.id})

        # the customers: the values that make each kind (a new one of the kind is created with them)
        cls.partner_kinds = {
            "own customer": {"user_id": cls.salesperson.id},
            "colleague's customer": {"user_id": cls.colleague.id},
            "other team's customer": {"user_id": cls.rival.id},
            "company pool customer": {"crm_pool_id": cls.company_pool.id},
            "own team's pool customer": {"crm_pool_id": cls.north_pool.id},
            "other team's pool customer": {"crm_pool_id": cls.south_pool.id},
            "other company's customer": {
                "company_id": cls.company_b.id,
                "user_id": cls.other_company_user.id,
            },
        }
        Partner = cls.env["res.partner"].with_context(crm_lifecycle_managed=True)
        cls.records = {"res.partner": {}}
        for kind, vals in cls.partner_kinds.items():
            cls.records["res.partner"][kind] = Partner.create(
                dict(vals, name=f"Matrix {kind}", is_company=True)
            )
        partners = cls.records["res.partner"]
        cls.portal_user = new_test_user(
            cls.env, login="crm_matrix_portal", groups="base.group_portal", name="Matrix Portal Buyer"
        )
        cls.portal_user.partner_id.parent_id = partners["own customer"]
        colleague_portal = new_test_user(
            cls.env,
            login="crm_matrix_colleague_portal",
            groups="base.group_portal",
            name="Matrix Other Buyer",
        )
        colleague_portal.partner_id.parent_id = partners["colleague's customer"]
        portal_kind = "contact of a colleague's customer with a portal login"
        partners[portal_kind] = colleague_portal.partner_id
        cls.partner_kinds[portal_kind] = {"parent_id": partners["colleague's customer"].id}
        partners["vendor (not followed)"] = cls.env["res.partner"].create(
            {"name": "Matrix Vendor", "is_company": True}
        )
        cls.partner_kinds["vendor (not followed)"] = {}

        Event = cls.env["crm.partner.event"]

        def first_event(kind):
            return Event.search([("partner_id", "=", partners[kind].id)], limit=1)

        cls.records["crm.partner.event"] = {
            "event of own customer": first_event("own customer"),
            "event of colleague's customer": first_event("colleague's customer"),
            "event of company pool customer": first_event("company pool customer"),
            "event of other team's pool customer": first_event("other team's pool customer"),
            "event of other company's customer": first_event("other company's customer"),
        }
        cls.records["crm.pool"] = {
            "own team's pool": cls.north_pool,
            "other team's pool": cls.south_pool,
            "other company's pool": cls.pool_b,
        }
        Level = cls.env["crm.pool.level"]
        stage = cls.env["crm.lifecycle.stage"]._get_by_code("qualified")
        cls.records["crm.pool.level"] = {
            "level of own team's pool": Level.create(
                {"pool_id": cls.north_pool.id, "lifecycle_stage_id": stage.id}
            ),
            "level of other company's pool": Level.create(
                {"pool_id": cls.pool_b.id, "lifecycle_stage_id": stage.id}
            ),
        }
        Script = cls.env["crm.talk.script"]
        cls.records["crm.talk.script"] = {
            "script of every company": Script.create({"name": "Matrix Opening"}),
            "script of the company": Script.create({"name": "Matrix Offer", "company_id": cls.company.id}),
            "script of other company": Script.create(
                {"name": "Matrix B Offer", "company_id": cls.company_b.id}
            ),
        }
        Funnel = cls.env["crm.lifecycle.funnel.report"]
        cls.records["crm.lifecycle.funnel.report"] = {
            f"row of {kind}": Funnel.search([("partner_id", "=", partners[kind].id)], limit=1)
            for kind in ("own customer", "colleague's customer", "other company's customer")
        }
        Owners = cls.env["crm.pool.owner.report"]
        cls.records["crm.pool.owner.report"] = {
            "own row": Owners.search([("user_id", "=", cls.salesperson.id)], limit=1),
            "colleague's row": Owners.search([("user_id", "=", cls.colleague.id)], limit=1),
        }
        Import = cls.env["crm.customer.import"]
        cls.records["crm.customer.import"] = {
            "own import": Import.create({"user_id": cls.salesperson.id}),
            "colleague's import": Import.create({"user_id": cls.colleague.id}),
            "other company's import": Import.create(
                {
                    "user_id": cls.other_company_user.id,
                    "company_id": cls.company_b.id,
                    "pool_id": cls.pool_b.id,
                }
            ),
        }
        imports = cls.records["crm.customer.import"]
        Error = cls.env["crm.customer.import.error"]
        cls.records["crm.customer.import.error"] = {
            "skipped row of own import": Error.create(
                {"import_id": imports["own import"].id, "row_number": 2, "reason": "No name"}
            ),
            "skipped row of colleague's import": Error.create(
                {"import_id": imports["colleague's import"].id, "row_number": 2, "reason": "No name"}
            ),
        }
        Mapping = cls.env["crm.customer.import.mapping"]
        cls.records["crm.customer.import.mapping"] = {
            "mapping of the company": Mapping.create({"name": "Matrix Fair List"}),
            "mapping of other company": Mapping.create(
                {"name": "Matrix B List", "company_id": cls.company_b.id}
            ),
        }
        cls.users = {
            "salesperson": cls.salesperson,
            "team_leader": cls.team_leader,
            "sales_manager": cls.sales_manager,
            "portal": cls.portal_user,
            "other_company": cls.other_company_user,
        }
        for role, group in SERVICE_ROLES.items():
            cls.users[role] = new_test_user(
                cls.env, login=f"crm_matrix_{role}", groups=f"base.group_user,{group}", name=f"Matrix {role}"
            )

    # ------------------------------------------------------------------
    # The tables
    # ------------------------------------------------------------------
    def test_matrix_covers_every_model(self):
        """Every model with access rows in one of the three addons is in the matrix, and every
        row names each role once."""
        acl_models = set()
        for addon in ADDONS:
            path = f"{get_module_path(addon)}/security/ir.model.access.csv"
            try:
                with open(path, encoding="utf-8") as acl_file:
                    rows = list(csv.DictReader(acl_file))
            except FileNotFoundError:
                continue
            for row in rows:
                xmlid = row["model_id:id"]
                xmlid = xmlid if "." in xmlid else f"{addon}.{xmlid}"
                acl_models.add(self.env.ref(xmlid).model)
        self.assertTrue(acl_models)
        self.assertFalse(acl_models - set(MODEL_ACCESS), "models missing from MODEL_ACCESS")
        self.assertLessEqual(set(RECORD_ACCESS), set(MODEL_ACCESS))
        for model, rows in RECORD_ACCESS.items():
            self.assertEqual(set(rows), set(self.records[model]), model)
            for kind, record in self.records[model].items():
                self.assertEqual(len(record), 1, f"{model}: no record for {kind}")
        for cells in [*MODEL_ACCESS.values(), *(c for rows in RECORD_ACCESS.values() for c in rows.values())]:
            self.assertEqual(len(cells), len(ROLES) + len(SERVICE_ROLES))

    def test_model_access(self):
        """The access rows: what each role may do on each model at all."""
        for model, cells in MODEL_ACCESS.items():
            for role, expected in zip(ALL_ROLES, cells, strict=True):
                with self.subTest(model=model, role=role):
                    Model = self.env[model].with_user(self.users[role])
                    got = "".join(
                        letter if Model.browse().has_access(operation) else "-"
                        for letter, operation in zip("rwcu", OPERATIONS, strict=True)
                    )
                    self.assertEqual(got, expected)

    def test_record_access(self):
        """The record rules: what each role may do on real records, tried for real."""
        mismatches = []
        for model, rows in RECORD_ACCESS.items():
            for kind, cells in rows.items():
                record = self.records[model][kind]
                for role, expected in zip(ALL_ROLES, cells, strict=True):
                    with self.subTest(model=model, record=kind, role=role):
                        got = self._try_all(self.users[role], record, model, kind)
                        if got != expected:
                            mismatches.append(f"{model:32} {kind!r:50} {role:14} {expected} != {got}")
        self.assertFalse(mismatches, "\nexpected != got:\n" + "\n".join(mismatches))

    # ------------------------------------------------------------------
    # Trying an operation as a user
    # ------------------------------------------------------------------
    def _try_all(self, user, record, model, kind):
        as_user = record.with_user(user)
        letters = [
            "r" if self._can_read(as_user) else "-",
            "w" if self._allowed(lambda: as_user.write(self._write_vals(model))) else "-",
            "c" if self._allowed(lambda: self._create_like(user, record, model, kind)) else "-",
            "u" if self._allowed(as_user.unlink, as_user, "unlink") else "-",
        ]
        return "".join(letters)

    def _can_read(self, as_user):
        try:
            found = bool(as_user.search([("id", "=", as_user.id)]))
        except AccessError:  # no access row: the menu itself is refused
            found = False
        readable = self._allowed(lambda: as_user.read(["display_name"]))
        self.assertEqual(found, readable, f"search and read disagree on {as_user}")
        return readable

    @contextmanager
    def _undone(self):
        """Run the block in a savepoint rolled back at its end: the records stay as they were."""
        try:
            with self.env.cr.savepoint():
                yield
                self.env.flush_all()
                raise _Undo
        except _Undo:
            return
        finally:
            self.env.invalidate_all()

    @mute_logger("odoo.models", "odoo.addons.base.models.ir_rule", "odoo.models.unlink")
    def _allowed(self, operation, records=None, mode=None):
        """Whether ``operation`` goes through for its user; undone either way. A refusal of a
        business rule once the access was granted (a default pool, a partner with documents)
        counts as allowed when ``records.check_access(mode)`` passes."""
        try:
            with self._undone():
                operation()
        except AccessError:
            return False
        except (UserError, ValidationError):
            if records is None:
                raise
            return records.has_access(mode)
        return True

    def _write_vals(self, model):
        return {
            "res.partner": {"comment": "Matrix note"},
            "crm.partner.event": {"reason": "Matrix reason"},
            "crm.pool": {"description": "Matrix description"},
            "crm.pool.level": {"sequence": 42},
            "crm.talk.script": {"sequence": 42},
            "crm.lifecycle.funnel.report": {"converted": True},
            "crm.pool.owner.report": {"owned_count": 42},
            "crm.customer.import": {"unknown_location": "empty"},
            "crm.customer.import.error": {"reason": "Matrix reason"},
            "crm.customer.import.mapping": {"name": "Matrix renamed"},
        }[model]

    def _create_like(self, user, record, model, kind):
        Model = self.env[model].with_user(user)
        if model == "res.partner":
            vals = dict(self.partner_kinds[kind], name=f"Matrix new {kind}")
            if "parent_id" not in vals:
                vals["is_company"] = True
            if kind == "vendor (not followed)":
                return Model.create(vals)
            return Model.with_context(crm_lifecycle_managed=True).create(vals)
        if model == "crm.partner.event":
            return Model.create({"partner_id": record.partner_id.id, "event_type": "stage"})
        if model == "crm.pool":
            return Model.create(
                {
                    "name": "Matrix new pool",
                    "company_id": record.company_id.id,
                    "team_ids": record.team_ids.ids,
                }
            )
        if model == "crm.pool.level":
            stage = self.env["crm.lifecycle.stage"]._get_by_code("potential")
            return Model.create({"pool_id": record.pool_id.id, "lifecycle_stage_id": stage.id})
        if model == "crm.talk.script":
            return Model.create({"name": "Matrix new script", "company_id": record.company_id.id})
        if model in ("crm.lifecycle.funnel.report", "crm.pool.owner.report"):
            return Model.create({"user_id": record.user_id.id})
        if model == "crm.customer.import":
            return Model.create(
                {
                    "user_id": record.user_id.id,
                    "company_id": record.company_id.id,
                    "pool_id": record.pool_id.id,
                }
            )
        if model == "crm.customer.import.error":
            return Model.create({"import_id": record.import_id.id, "row_number": 3, "reason": "No name"})
        if model == "crm.customer.import.mapping":
            return Model.create({"name": "Matrix new mapping", "company_id": record.company_id.id})
        raise AssertionError(f"no way to create a {model}")
