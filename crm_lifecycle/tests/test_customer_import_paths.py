"""The two ways the import writes customers: SQL (the fast path) and Odoo's create().

The fast path is taken only while every installed module's code that create() of res.partner
runs is on the engine's list of reproduced overrides; the tests take the other path by taking a
module off that list, as a module the engine does not know would.
"""

import base64
from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import tagged
from odoo.tools import SQL

from odoo.addons.crm_lifecycle.wizards.customer_import_engine import (
    REPRODUCED_OVERRIDES,
    CustomerImportEngine,
    unreproduced_overrides,
)

from ..utils import import_headers
from . import spreadsheet_samples as samples
from .common_pool import T0, PoolCase

HEADERS = list(import_headers.target_labels().values())  # every target, in the order of TARGETS


def _cells(**values):
    return [values.get(target, "") for target in import_headers.TARGETS]


def suite_overrides_only(env):
    """REPRODUCED_OVERRIDES, plus the overrides that other modules of this database (a
    localisation, website, ...) add to create() and write(): patched in, the tests see the
    import as in a database of the suite alone, whatever else is installed. In such a
    database, this adds nothing."""
    result = {name: set(modules) for name, modules in REPRODUCED_OVERRIDES.items()}
    for module, names in unreproduced_overrides(env["res.partner"]).items():
        for name in names:
            if name in result:
                result[name].add(module)
    return result


def patch_suite_overrides_only(case):
    """Patch :func:`suite_overrides_only` in for the test ``case`` (undone after it)."""
    patcher = patch.dict(REPRODUCED_OVERRIDES, suite_overrides_only(case.env))
    patcher.start()
    case.addCleanup(patcher.stop)


def _without_account():
    """The list of reproduced overrides less account's create(): the import must then go
    through create(), as with a module the engine does not know."""
    return {"create": REPRODUCED_OVERRIDES["create"] - {"account"}}


@tagged("post_install", "-at_install")
class TestCustomerImportPaths(PoolCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.write({"country_id": cls.env.ref("base.pl").id, "crm_duplicate_check": True})
        cls.env["res.partner.industry"].create({"name": "Retail Chains"})
        cls.env["utm.source"].create({"name": "Poznan Fair 2026"})
        cls.env["res.partner.category"].create({"name": "VIP Prospect"})

    def setUp(self):
        super().setUp()
        patch_suite_overrides_only(self)

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def file_rows(self):
        """A file of every kind of row: full, without contact, in other countries, with a state,
        with a tag to create, refused (an invalid email, a duplicate of an earlier row)."""
        return [
            HEADERS,
            _cells(
                name="Kowalski Hurtownia Sp. z o.o.",
                contact_name="Anna Kowalska",
                phone="22 100 20 30",
                mobile="+48 600 700 800",
                email="Biuro@Kowalski-Hurt.pl",
                vat="PL7010020031",
                street="ul. Marszałkowska 10",
                city="Warszawa",
                country="PL",
                website="kowalski-hurt.pl",
                industry="retail chains",
                source="POZNAN FAIR 2026",
                notes="Met at the fair.\nWants a catalogue.",
                tags="vip prospect; Paths Fair",
            ),
            _cells(name="Nowak Logistyka S.A.", phone="601 202 303", tags="Paths Fair"),
            _cells(
                name="Golden Gate Imports Inc",
                contact_name="John Smith",
                email="john@goldengate.example",
                city="San Francisco",
                state="CA",
                country="United States",
                mobile="415 555 0134",
            ),
            _cells(
                name="杭州明远贸易有限公司",
                contact_name="王芳",
                phone="0571 8888 6666",
                country="CN",
                state="浙江",
                notes="展会客户",
            ),
            _cells(name="Broken Email Ltd", email="not-an-email"),
            _cells(name="Kowalski Hurtownia", phone="+48 22 100 20 30"),
        ]

    def import_file(self, filename, assign_to_me=False, rows=None):
        content = samples.xlsx_file(rows or self.file_rows())
        record = (
            self.env["crm.customer.import"]
            .with_user(self.salesperson)
            .create(
                {
                    "file": base64.b64encode(content),
                    "filename": filename,
                    "pool_id": self.pool.id,
                    "assign_to_me": assign_to_me,
                }
            )
        )
        record.action_preview()
        record.action_import()
        self.assertEqual(record.state, "done", record.message)
        return record

    def stored(self, record):
        """What ``record`` wrote, as the database holds it: every column of the customers and of
        their contacts, their tags, their events, their chatter. The partners are named by
        their names (those of the file), not by their ids."""
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(
            SQL(
                """SELECT partner_id FROM crm_partner_event
                    WHERE document_model = %s AND document_id = %s AND event_type = 'import'""",
                record._name,
                record.id,
            )
        )
        customer_ids = [partner_id for (partner_id,) in cr.fetchall()]
        cr.execute(
            SQL(
                "SELECT * FROM res_partner WHERE id = ANY(%s) OR parent_id = ANY(%s) ORDER BY id",
                customer_ids,
                customer_ids,
            )
        )
        partners = cr.dictfetchall()
        names = {partner["id"]: partner["complete_name"] for partner in partners}
        # the columns pointing at partners: at the new ones by their names
        Partner = self.env["res.partner"]
        references = [
            name
            for name, field in Partner._fields.items()
            if field.type == "many2one" and field.comodel_name == "res.partner" and field.store
        ]
        columns = {}
        for partner in partners:
            values = dict(partner)
            for name in ("id", *references):
                values[name] = names.get(values.get(name), values.get(name))
            columns[values["id"]] = values
        ids = list(names)
        category = Partner._fields["category_id"]
        cr.execute(
            SQL(
                "SELECT %s, %s FROM %s WHERE %s = ANY(%s)",
                SQL.identifier(category.column1),
                SQL.identifier(category.column2),
                SQL.identifier(category.relation),
                SQL.identifier(category.column1),
                ids,
            )
        )
        tags = sorted((names[partner_id], tag_id) for partner_id, tag_id in cr.fetchall())
        cr.execute(SQL("SELECT * FROM crm_partner_event WHERE partner_id = ANY(%s) ORDER BY id", ids))
        events = []
        for event in cr.dictfetchall():
            event.pop("id")
            event["partner_id"] = names[event["partner_id"]]
            self.assertEqual((event["document_model"], event["document_id"]), (record._name, record.id))
            event["document_id"] = "the import"
            events.append(event)
        events.sort(key=lambda event: (event["partner_id"], event["event_type"]))
        cr.execute(
            SQL(
                """SELECT (SELECT COUNT(*) FROM mail_message
                            WHERE model = 'res.partner' AND res_id = ANY(%s)),
                          (SELECT COUNT(*) FROM mail_followers
                            WHERE res_model = 'res.partner' AND res_id = ANY(%s))""",
                ids,
                ids,
            )
        )
        chatter = cr.fetchone()
        return {"partners": columns, "tags": tags, "events": events, "chatter": chatter}

    def archive(self, record):
        """The customers of ``record`` out of the way of the duplicate check of the next import."""
        partners = self.env["res.partner"].search([("crm_event_ids", "any", record._import_event_domain())])
        (partners | partners.child_ids).sudo().write({"active": False})

    def assertSameWrites(self, fast, orm):
        self.assertEqual(sorted(fast["partners"]), sorted(orm["partners"]))
        for name, columns in fast["partners"].items():
            for column, value in columns.items():
                if column == "specific_property_product_pricelist":
                    # a contact created with its company stores the company's fallback price
                    # list where one applies (a localisation's currency): the same price list
                    # applies to the imported contact (test_customer_import_engine checks it)
                    continue
                with self.subTest(partner=name, column=column):
                    self.assertEqual(orm["partners"][name][column], value)
        self.assertEqual(orm["tags"], fast["tags"])
        self.assertEqual(orm["events"], fast["events"])
        self.assertEqual(orm["chatter"], fast["chatter"])

    # ------------------------------------------------------------------
    # Which path
    # ------------------------------------------------------------------
    def test_every_override_of_this_database_is_reproduced(self):
        """With the modules of this database (the suite, sale_crm, sale_margin and what they
        bring), the import takes the fast path, and says so."""
        engine = CustomerImportEngine(
            self.env(user=self.salesperson), filename="f.xlsx", pool=self.pool, assign_to_me=False, columns={}
        )
        self.assertEqual(engine.unreproduced_overrides(), {})
        record = self.import_file("fast.xlsx")
        self.assertEqual(record.write_method, "copy")
        self.assertIn("fast import (SQL COPY)", record.write_method_note)

    def test_a_module_off_the_list_is_reported_by_module_and_method(self):
        Partner = self.env["res.partner"]
        engine = CustomerImportEngine(
            self.env(user=self.salesperson), filename="f.xlsx", pool=self.pool, assign_to_me=False, columns={}
        )
        write = REPRODUCED_OVERRIDES["write"] - {"account", "snailmail", "crm_lifecycle"}
        with patch.dict(REPRODUCED_OVERRIDES, dict(_without_account(), write=write)):
            self.assertEqual(
                engine.unreproduced_overrides(),
                {"account": ["create", "write"], "crm_lifecycle": ["write"], "snailmail": ["write"]},
            )
        # the compute method of a field the fast path computes itself
        compute = Partner._fields["phone_sanitized"].compute
        with patch.dict(REPRODUCED_OVERRIDES, {compute: set()}):
            engine._overrides = None
            self.assertEqual(engine.unreproduced_overrides(), {"phone_validation": [compute]})
        engine._overrides = None
        self.assertEqual(engine.unreproduced_overrides(), {})

    # ------------------------------------------------------------------
    # Both paths write the same
    # ------------------------------------------------------------------
    @freeze_time(T0)
    def test_both_paths_store_the_same_customers_contacts_tags_and_events(self):
        fast = self.import_file("prospects.xlsx")
        self.assertEqual(fast.write_method, "copy")
        self.assertEqual((fast.created_count, fast.skipped_count), (4, 2))
        written = self.stored(fast)
        self.assertEqual(len(written["partners"]), 7)  # four customers, three contacts
        self.archive(fast)

        with patch.dict(REPRODUCED_OVERRIDES, _without_account()):
            orm = self.import_file("prospects.xlsx")
        self.assertEqual(orm.write_method, "orm")
        self.assertIn(
            "The customers are created through Odoo's create(), 1000 rows at a time, instead of the "
            "fast import: the module account overrides res.partner.create, which the fast import "
            "does not reproduce.",
            orm.write_method_note,
        )
        self.assertEqual((orm.created_count, orm.skipped_count), (4, 2))
        self.assertEqual(
            orm.error_ids.mapped(lambda error: (error.row_number, error.reason)),
            fast.error_ids.mapped(lambda error: (error.row_number, error.reason)),
        )
        self.assertSameWrites(written, self.stored(orm))

    @freeze_time(T0)
    def test_both_paths_store_the_same_customers_assigned_to_the_importer(self):
        rows = self.file_rows()[:3]
        fast = self.import_file("mine.xlsx", assign_to_me=True, rows=rows)
        self.assertEqual(fast.created_count, 2)
        written = self.stored(fast)
        self.assertEqual({event["event_type"] for event in written["events"]}, {"import"})
        self.archive(fast)
        with patch.dict(REPRODUCED_OVERRIDES, _without_account()):
            orm = self.import_file("mine.xlsx", assign_to_me=True, rows=rows)
        self.assertEqual((orm.write_method, orm.created_count), ("orm", 2))
        stored = self.stored(orm)
        self.assertSameWrites(written, stored)
        customers = [values for values in stored["partners"].values() if not values["parent_id"]]
        self.assertEqual({values["user_id"] for values in customers}, {self.salesperson.id})
        self.assertTrue(all(values["ownership_deadline"] for values in customers))

    # ------------------------------------------------------------------
    # The create() path answers per row and re-runs as the fast path
    # ------------------------------------------------------------------
    def test_create_path_refuses_each_row_a_constraint_refuses(self):
        # an invalid Peppol endpoint given to every new partner by a default: create() refuses
        # each row, named, and the batches of create() are cut down to the rows
        self.env["ir.default"].set("res.partner", "peppol_eas", "0208")
        self.env["ir.default"].set("res.partner", "peppol_endpoint", "12")
        engine = CustomerImportEngine(
            self.env(user=self.salesperson),
            filename="refused.xlsx",
            pool=self.pool,
            assign_to_me=False,
            columns={0: "name"},
        )
        with patch.dict(REPRODUCED_OVERRIDES, _without_account()), patch.object(engine, "ORM_BATCH", 2):
            results = engine.run([(number, [f"Refused {number} Ltd"]) for number in range(2, 7)])
        self.assertEqual([result.status for result in results], ["error"] * 5)
        self.assertIn("Row 4: The Peppol endpoint is not valid.", results[2].message)
        self.assertFalse(self.env["res.partner"].search([("name", "=like", "Refused %")]))

    def test_create_path_rerun_creates_nothing(self):
        with patch.dict(REPRODUCED_OVERRIDES, _without_account()):
            first = self.import_file("again.xlsx")
            partners = self.env["res.partner"].search(
                [("crm_event_ids", "any", first._import_event_domain())]
            )
            self.assertEqual(len(partners), 4)
            again = self.import_file("again.xlsx")
        self.assertEqual((again.write_method, again.created_count, again.skipped_count), ("orm", 0, 6))
        self.assertEqual(
            self.env["res.partner"].search_count([("crm_event_ids", "any", again._import_event_domain())]), 0
        )
        self.assertEqual(len(self.events(partners)), 4)  # one import event each, nothing else
        self.assertEqual(set(self.events(partners).mapped("event_type")), {"import"})
