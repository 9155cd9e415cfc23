"""Excel import of customer resources: upload, map the columns, preview, import.

The file is read by :mod:`..utils.spreadsheet` (no ORM), each chunk of rows is validated
and written by :class:`.customer_import_engine.CustomerImportEngine`. The import is a stored
record: its history, the background run of big files (resumed after a crash) and the error
report survive the wizard.

The preview reads and parses the file once: it keeps the parsed rows (compressed JSON lines,
a chunk per line) and the import starts from them, checking again only what the database
may have changed since (duplicates, names, limits).
"""

import base64
import json
import zlib
from itertools import islice

from markupsafe import escape

from odoo import Command, api, fields, models, modules, tools
from odoo.exceptions import AccessError, UserError

from ..utils import import_headers, spreadsheet
from .customer_import_engine import CustomerImportEngine, insert_rows

# Files with more data rows than this are imported by the cron, in the background.
INLINE_ROWS = 2000
# Rows shown in the preview: first rows as they will be created, first rows skipped.
PREVIEW_VALID_ROWS = 20
PREVIEW_SKIPPED_ROWS = 200
# Non-empty values of a column shown as its sample.
SAMPLE_VALUES = 3
# Chunks the cron imports per call before reporting its progress (Odoo calls it again
# at once while rows remain).
CRON_CHUNKS_PER_CALL = 25
# Drafts never previewed are removed after this many days.
DRAFT_LIFETIME_DAYS = 7

# What a column may be imported into: the targets of import_headers, or nothing.
TARGET_SELECTION = [*import_headers.target_labels().items(), ("ignore", "Ignore")]


def _chunks(rows, size):
    """Lists of ``size`` items of the iterator ``rows`` (the last one shorter)."""
    rows = iter(rows)
    while chunk := list(islice(rows, size)):
        yield chunk


def _decompressed_lines(data, size=1 << 20):
    """The lines of the zlib-compressed ``data``, decompressed ``size`` bytes at a time: the
    staged rows of a large file are never all in memory at once as text."""
    decompressor = zlib.decompressobj()
    pending = b""
    for start in range(0, len(data), size):
        pending += decompressor.decompress(data[start : start + size])
        *lines, pending = pending.split(b"\n")
        yield from lines  # JSON escapes the new lines of texts: each one ends a chunk
    pending += decompressor.flush()
    if pending:
        yield pending


def _column_letter(index):
    """Spreadsheet name of the 0-based column ``index``: A, B, ..., Z, AA..."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


class CrmCustomerImport(models.Model):
    _name = "crm.customer.import"
    _description = "Customer Import"
    _inherit = ["mail.thread"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    file = fields.Binary(string="Spreadsheet", attachment=True, copy=False)
    filename = fields.Char(string="File Name")
    file_size = fields.Integer(string="File Size (Bytes)", readonly=True)
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True, default=lambda self: self.env.company
    )
    user_id = fields.Many2one(
        "res.users",
        string="Imported By",
        required=True,
        readonly=True,
        index=True,
        default=lambda self: self.env.user,
    )
    assign_to_me = fields.Boolean(
        string="Assign to Me",
        help="You own the imported customers, within the limit of customers per salesperson of the "
        "pool. Otherwise they wait in the pool for a salesperson to claim them.",
    )
    pool_id = fields.Many2one(
        "crm.pool",
        required=True,
        check_company=True,
        default=lambda self: self._default_pool(),
        domain="[('id', 'in', allowed_pool_ids)]",
        help="The pool of the imported customers: they wait in it, or return to it when you release them.",
    )
    allowed_pool_ids = fields.Many2many("crm.pool", compute="_compute_allowed_pool_ids")
    unknown_location = fields.Selection(
        [("skip", "Skip the row"), ("empty", "Leave the field empty")],
        string="Unknown Country or State",
        required=True,
        default="skip",
        help="What to do with a row whose country or state is not known: skip it, or import it "
        "without the country or state.",
    )
    mapping_id = fields.Many2one(
        "crm.customer.import.mapping",
        string="Saved Mapping",
        check_company=True,
        help="Columns mapped as in a mapping saved earlier, by their header.",
    )
    save_mapping_name = fields.Char(
        string="Save Mapping As", help="Name under which the columns mapped here are saved for later imports."
    )
    column_ids = fields.One2many("crm.customer.import.column", "import_id", string="Columns", copy=False)
    unmapped_count = fields.Integer(string="Unmapped Columns", compute="_compute_unmapped_count")
    state = fields.Selection(
        [
            ("draft", "Upload"),
            ("preview", "Preview"),
            ("queued", "Queued"),
            ("running", "Running"),
            ("done", "Done"),
            ("failed", "Failed"),
        ],
        string="Status",
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
    )
    sheet_name = fields.Char(string="Sheet", readonly=True, copy=False)
    header_row = fields.Integer(readonly=True, copy=False)
    row_count = fields.Integer(string="Rows", readonly=True, copy=False)
    valid_count = fields.Integer(string="Valid Rows", readonly=True, copy=False)
    created_count = fields.Integer(string="Created", readonly=True, copy=False)
    skipped_count = fields.Integer(
        string="Skipped", readonly=True, copy=False, help="Rows with an error and duplicates."
    )
    done_rows = fields.Integer(
        string="Rows Done", readonly=True, copy=False, help="Data rows already imported (or skipped)."
    )
    progress = fields.Float(readonly=True, copy=False, aggregator=False)
    # the texts the preview shows (see _prepare_preview): plain JSON, never HTML; the preview
    # is rendered from them when it is read, every cell escaped (see _compute_preview_html)
    preview_data = fields.Json(readonly=True, copy=False)
    preview_html = fields.Html(string="Preview", compute="_compute_preview_html")
    preview_signature = fields.Char(readonly=True, copy=False)
    # the rows of the file as the preview parsed them (see CustomerImportEngine.validate):
    # zlib-compressed JSON, a chunk of rows per line; the import starts from them
    staged_file = fields.Binary(attachment=True, readonly=True, copy=False)
    error_ids = fields.One2many(
        "crm.customer.import.error", "import_id", string="Skipped Rows", readonly=True, copy=False
    )
    error_file = fields.Binary(string="Error Report", attachment=True, readonly=True, copy=False)
    error_filename = fields.Char(readonly=True, copy=False)
    template_file = fields.Binary(string="Template", compute="_compute_template_file")
    message = fields.Text(readonly=True, copy=False)
    write_method = fields.Selection(
        [("copy", "Fast Import (SQL COPY)"), ("orm", "Odoo's create()")],
        string="Import Method",
        readonly=True,
        copy=False,
        help="Fast Import writes the customers with SQL, reproducing what creating a customer does in "
        "every installed module. When a module changes that in a way the fast import does not "
        "reproduce, the customers are created through Odoo's create(), in batches.",
    )
    write_method_note = fields.Text(string="Why This Method", readonly=True, copy=False)
    date_done = fields.Datetime(string="Imported On", readonly=True, copy=False)
    partner_count = fields.Integer(
        string="Imported Customers",
        compute="_compute_partner_count",
        help="Customers created by this import.",
    )

    def _import_event_domain(self):
        return [
            ("event_type", "=", "import"),
            ("document_model", "=", self._name),
            ("document_id", "in", self.ids),
        ]

    def _compute_partner_count(self):
        # the customers the user may see: the timeline follows the customers' access rules
        Event = self.env["crm.partner.event"]
        counts = dict(Event._read_group(self._import_event_domain(), ["document_id"], ["__count"]))
        for record in self:
            record.partner_count = counts.get(record.id, 0)

    def action_open_customers(self):
        """The customers this import created (those the user may see)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_lifecycle.crm_lifecycle_partner_action")
        action.update(
            {
                "name": self.env._("Imported from %(file)s", file=self.filename or self.name),
                "domain": [("crm_event_ids", "any", self._import_event_domain())],
                "context": {"create": False},
            }
        )
        return action

    @api.depends("preview_data", "valid_count", "skipped_count")
    @api.depends_context("lang")
    def _compute_preview_html(self):
        for record in self:
            record.preview_html = record._render_preview() if record.preview_data else False

    @api.depends("filename")
    def _compute_name(self):
        for record in self:
            record.name = record.filename or self.env._("New Import")

    @api.depends("company_id")
    @api.depends_context("uid")
    def _compute_allowed_pool_ids(self):
        is_manager = self.env.user.has_group("crm_lifecycle.group_crm_lifecycle_manager")
        for record in self:
            pools = self.env["crm.pool"].search([("company_id", "=", record.company_id.id)])
            record.allowed_pool_ids = (
                pools if is_manager else pools.filtered(lambda pool: pool._is_visible_to(self.env.user))
            )

    @api.depends("column_ids.target")
    def _compute_unmapped_count(self):
        for record in self:
            record.unmapped_count = len(record.column_ids.filtered(lambda column: not column.target))

    @api.depends_context("lang")
    def _compute_template_file(self):
        content = base64.b64encode(self._template_content())
        for record in self:
            record.template_file = content

    @api.model
    def _default_pool(self):
        Pool = self.env["crm.pool"]
        pool = Pool._get_for_team(self.env.user.sale_team_id)
        if pool._is_visible_to(self.env.user):
            return pool
        return Pool.search([("company_id", "=", self.env.company.id)]).filtered(
            lambda pool: pool._is_visible_to(self.env.user)
        )[:1]

    @api.onchange("mapping_id")
    def _onchange_mapping_id(self):
        if self.mapping_id:
            self.column_ids._apply_mapping(self.mapping_id)

    @api.onchange("file")
    def _onchange_file(self):
        if self.state in ("draft", "preview", "failed"):
            self.column_ids = [Command.clear()]
            self.preview_data = False
            self.state = "draft"

    def write(self, vals):
        if (
            "user_id" in vals
            and not self.env.su
            and self.filtered(lambda record: record.user_id.id != vals["user_id"])
        ):
            # the import runs with its importer's rights, in the background too
            raise AccessError(self.env._("The importer of an import cannot be changed."))
        if "file" in vals:
            # another file: its columns and preview are to be made again
            vals = dict(
                vals,
                state="draft",
                column_ids=[Command.clear()],
                preview_data=False,
                preview_signature=False,
                staged_file=False,
                row_count=0,
                valid_count=0,
                skipped_count=0,
                message=False,
            )
            if self.filtered(lambda record: record.state not in ("draft", "preview", "failed")):
                raise UserError(
                    self.env._("An import that started cannot take another file: start a new import.")
                )
        return super().write(vals)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_preview(self):
        """Read the file, map its columns and validate every row; write nothing but the preview.

        A file that cannot be read raises its message: nothing changes.
        """
        self.ensure_one()
        self._check_editable()
        table = self._open_table()
        try:
            self._prepare_columns(table)
            self._check_columns(unmapped_allowed=True)
            engine = self._make_engine()
            engine.check_access()
            self._note_write_method(engine)
            valid = []
            skipped = []
            valid_count = skipped_count = row_count = 0
            # the parsed rows, compressed chunk by chunk: a few MB for 50,000 rows
            compressor = zlib.compressobj(1)
            staged = []
            for chunk in _chunks(table.rows(), self._chunk_size()):
                row_count += len(chunk)
                stage = []
                results = engine.validate(chunk, staged=stage)
                staged.append(compressor.compress(json.dumps(stage, ensure_ascii=False).encode() + b"\n"))
                for result in results:
                    if result.status == "ok":
                        valid_count += 1
                        if len(valid) < PREVIEW_VALID_ROWS:
                            valid.append(result)
                    else:
                        skipped_count += 1
                        if len(skipped) < PREVIEW_SKIPPED_ROWS:
                            skipped.append(result)
        finally:
            table.close()
        self.write(
            {
                "state": "preview",
                "sheet_name": table.sheet_name,
                "header_row": table.header_index + 1,
                "row_count": row_count,
                "valid_count": valid_count,
                "skipped_count": skipped_count,
                "created_count": 0,
                "message": False,
                "preview_signature": self._signature(),
                "staged_file": base64.b64encode(b"".join(staged) + compressor.flush()),
                "preview_data": self._prepare_preview(valid, skipped),
            }
        )
        return True

    def action_import(self):
        """Import the valid rows: at once for small files, in the background for big ones.

        When the columns or options changed since the preview, preview again instead: the user
        sees what will be imported before it is.
        """
        self.ensure_one()
        if self.state not in ("draft", "preview", "failed"):
            raise UserError(self.env._("This import has already been started."))
        if self.state != "preview" or self.preview_signature != self._signature():
            changed = self.state == "preview"
            self.action_preview()
            if changed:
                self._post(
                    self.env._("The mapping or the options changed since the preview: check the new preview.")
                )
            return True
        self._check_columns()
        self._make_engine().check_access()
        self.error_ids.unlink()  # those of a failed run
        self.write({"done_rows": 0, "created_count": 0, "skipped_count": 0, "progress": 0.0})
        if self.row_count > self._inline_rows():
            self.state = "queued"
            self.env.ref("crm_lifecycle.ir_cron_crm_customer_import")._trigger()
            return True
        self.state = "running"
        self._run_chunks()
        return True

    def action_download_errors(self):
        """The report of the skipped rows: the original columns, the row number and the reason."""
        self.ensure_one()
        if not self.error_file:
            if self.state != "done" or not self.error_ids:
                raise UserError(self.env._("No row was skipped: there is no error report."))
            # made when first asked for (many imports skip rows nobody downloads)
            self._write_error_report()
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self._name}/{self.id}/error_file/{self.error_filename}?download=true",
            "target": "download",
        }

    def action_download_template(self):
        """An empty spreadsheet with the headers the import recognises, in the user's language."""
        self.ensure_one()
        filename = self.env._("customer_import_template") + ".xlsx"
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self._name}/{self.id}/template_file/{filename}?download=true",
            "target": "download",
        }

    def action_save_mapping(self):
        """Save the columns mapped here under ``save_mapping_name``, for the next files."""
        self.ensure_one()
        name = (self.save_mapping_name or "").strip()
        if not name:
            raise UserError(self.env._("Give the mapping a name to save it."))
        lines = [
            Command.create(
                {"header_key": column.header_key, "header": column.header, "target": column.target}
            )
            for column in self.column_ids
            if column.target and column.header_key
        ]
        if not lines:
            raise UserError(self.env._("Map at least one column before saving the mapping."))
        Mapping = self.env["crm.customer.import.mapping"]
        mapping = Mapping.search([("name", "=", name), ("company_id", "=", self.company_id.id)], limit=1)
        if mapping:
            if not mapping.has_access("write"):
                raise UserError(
                    self.env._(
                        "A mapping named %(name)s already exists: choose another name, or ask a sales "
                        "manager to change it.",
                        name=name,
                    )
                )
            mapping.line_ids = [Command.clear()] + lines
        else:
            mapping = Mapping.create({"name": name, "company_id": self.company_id.id, "line_ids": lines})
        self.write({"mapping_id": mapping.id, "save_mapping_name": False})
        return True

    # ------------------------------------------------------------------
    # Background run
    # ------------------------------------------------------------------
    @api.model
    def _cron_run_imports(self, max_chunks=CRON_CHUNKS_PER_CALL):
        """Import the queued files chunk by chunk, oldest first.

        Each chunk is committed with the progress of its import (outside tests): after a crash
        the next run reopens the file and continues after the last committed row; rows written
        by the chunk that crashed were rolled back with it. At most ``max_chunks`` chunks per
        call; the progress tells Odoo whether to call again.
        """
        # sudo: the cron runs the imports of every company; each one is imported with the rights
        # of its importer (see _make_engine)
        imports = self.sudo().search([("state", "in", ("queued", "running"))], order="id")
        remaining = sum(imports.mapped("row_count")) - sum(imports.mapped("done_rows"))
        done = 0
        for record in imports:
            if max_chunks <= 0:
                break
            if record.state == "queued":
                record.state = "running"
            # the messages, the reasons and the report in the importer's language
            record = record.with_context(lang=record.user_id.lang)
            chunks, rows = record._run_chunks(max_chunks=max_chunks, commit=True)
            max_chunks -= chunks
            done += rows
            self.env["ir.cron"]._notify_progress(done=done, remaining=max(remaining - done, 0))

    def _run_chunks(self, max_chunks=None, commit=False):
        """Import the rows after ``done_rows``, chunk by chunk, then finish the import.

        :return: (chunks handled, rows handled)
        """
        self.ensure_one()
        chunks = rows_done = 0
        staged = self._staged_rows()
        table = None
        try:
            if staged is None:
                # no rows staged by the preview (an import previewed before they were kept)
                table = self._open_table()
            engine = self._make_engine()
            engine.check_access()
            self._note_write_method(engine)
            run = engine.run if staged is None else engine.run_staged
            rows = islice(table.rows() if staged is None else staged, self.done_rows, None)
            for chunk in _chunks(rows, self._chunk_size()):
                if max_chunks is not None and chunks >= max_chunks:
                    return chunks, rows_done
                self._save_chunk(run(chunk))
                chunks += 1
                rows_done += len(chunk)
                if commit:
                    self._commit()
        except UserError as error:
            self._fail(self._error_text(error), commit)
            return chunks, rows_done
        finally:
            if table is not None:
                table.close()
        self._finish(notify=commit)
        if commit:
            self._commit()
        return chunks, rows_done

    def _save_chunk(self, results):
        """Record the outcome of one chunk on the import (committed with the chunk)."""
        created = sum(1 for result in results if result.status == "ok" and result.partner_id)
        errors = [result for result in results if result.status != "ok"]
        self.env["crm.customer.import.error"]._insert(self, errors)
        done_rows = self.done_rows + len(results)
        self.write(
            {
                "done_rows": done_rows,
                "created_count": self.created_count + created,
                "skipped_count": self.skipped_count + len(errors),
                "progress": min(100.0, 100.0 * done_rows / self.row_count) if self.row_count else 100.0,
            }
        )

    def _finish(self, notify=False):
        values = {
            "state": "done",
            "progress": 100.0,
            "date_done": fields.Datetime.now(),
            "staged_file": False,
        }
        self.write(values)
        body = self.env._(
            "Import of %(file)s done: %(created)s customers created, %(skipped)s rows skipped.",
            file=self.filename,
            created=self.created_count,
            skipped=self.skipped_count,
        )
        # the importer is told when a background import ends
        self._post(body, notify=notify)

    def _write_error_report(self):
        """The error report: the skipped rows with their original columns, row number and reason."""
        errors = self.env["crm.customer.import.error"].search_fetch(
            [("import_id", "=", self.id)], ["row_number", "cells", "reason"], order="row_number"
        )
        content = spreadsheet.write_report(
            [column.header or "" for column in self.column_ids.sorted("index")],
            [(error.row_number, error.cells or [], error.reason) for error in errors],
            self.env._(spreadsheet.REPORT_ERROR_HEADER),
            row_header=self.env._(spreadsheet.REPORT_ROW_HEADER),
        )
        self.write(
            {
                "error_file": base64.b64encode(content),
                "error_filename": self.env._("%(name)s - errors.xlsx", name=self._basename()),
            }
        )

    def _fail(self, message, commit):
        self.write({"state": "failed", "message": message, "progress": 0.0})
        if commit:
            self._post(
                self.env._("Import of %(file)s failed: %(message)s", file=self.filename, message=message),
                notify=True,
            )
            self._commit()

    def _post(self, body, notify=False):
        """A note from the system in the import's chatter; ``notify``: the importer gets it in
        the inbox."""
        # sudo: the system writes about its own work, whatever the importer's email address
        self.sudo().message_post(
            body=body,
            author_id=self.env.ref("base.partner_root").id,
            partner_ids=self.user_id.partner_id.ids if notify else [],
            subtype_xmlid="mail.mt_note",
        )

    def _error_text(self, error):
        """The message of ``error`` in the user's language (spreadsheet errors hold a lazy text)."""
        message = error.args[0] if error.args else ""
        return message if isinstance(message, str) else self.env._(message)

    def _commit(self):
        # a chunk is done for good: a crash later does not undo it (never inside tests)
        if not tools.config["test_enable"] and not modules.module.current_test:
            self.env.cr.commit()  # pylint: disable=invalid-commit

    @api.autovacuum
    def _gc_drafts(self):
        """Forget the imports left at the upload step (the template downloaded, a file never previewed)."""
        limit = fields.Datetime.subtract(fields.Datetime.now(), days=DRAFT_LIFETIME_DAYS)
        self.search([("state", "=", "draft"), ("write_date", "<", limit)]).unlink()

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _check_editable(self):
        if self.state not in ("draft", "preview", "failed"):
            raise UserError(self.env._("This import has already been started."))
        if not self.file:
            raise UserError(self.env._("Upload the spreadsheet of the customers first."))

    def _attachment(self, field_name):
        """The attachment holding the binary field ``field_name`` of the import."""
        return (
            self.env["ir.attachment"]
            .sudo()  # the attachments of the import's own files, which the user reads already
            .search(
                [("res_model", "=", self._name), ("res_id", "=", self.id), ("res_field", "=", field_name)],
                limit=1,
            )
        )

    def _staged_rows(self):
        """The rows staged by the preview, one by one (None when there are none)."""
        attachment = self._attachment("staged_file")
        if not attachment:
            return None
        return (row for line in _decompressed_lines(attachment.raw) for row in json.loads(line))

    def _open_table(self):
        """The table of the uploaded file; its size is checked before it is read."""
        attachment = self._attachment("file")
        if not attachment:
            raise UserError(self.env._("Upload the spreadsheet of the customers first."))
        filename = self.filename or attachment.name or ""
        spreadsheet.check_size(attachment.file_size, filename)
        if self.file_size != attachment.file_size:
            self.file_size = attachment.file_size
        return spreadsheet.open_table(attachment.raw, filename)

    def _prepare_columns(self, table):
        """One column line per header; the targets chosen earlier for the same headers are kept."""
        headers = list(table.headers)
        if [column.header for column in self.column_ids.sorted("index")] == headers:
            return
        samples = self._samples(table, len(headers))
        lines = []
        for index, header in enumerate(headers):
            target = import_headers.match_header(header) if header else None
            lines.append(
                Command.create(
                    {
                        "index": index,
                        "header": header,
                        "header_key": import_headers.header_key(header) if header else False,
                        "sample": " | ".join(samples[index]),
                        "target": target or (False if header else "ignore"),
                    }
                )
            )
        self.column_ids = [Command.clear()] + lines
        if self.mapping_id:
            self.column_ids._apply_mapping(self.mapping_id)

    @api.model
    def _samples(self, table, width):
        samples = [[] for _index in range(width)]
        for _row_number, cells in islice(table.rows(), 50):
            for index, value in enumerate(cells[:width]):
                if value and len(samples[index]) < SAMPLE_VALUES:
                    samples[index].append(value)
            if all(len(values) >= SAMPLE_VALUES for values in samples):
                break
        return samples

    def _check_columns(self, unmapped_allowed=False):
        """A column gives the name; ``unmapped_allowed``: columns without a target are ignored
        (preview), else they must be mapped or ignored (import). Several columns may fill one
        field (the engine joins notes and tags, takes the first value of the others)."""
        unmapped = self.column_ids.filtered(lambda column: not column.target)
        if unmapped and not unmapped_allowed:
            raise UserError(
                self.env._(
                    "Choose a field, or Ignore, for the columns %(columns)s.",
                    columns=", ".join(f"{column.letter} ({column.header})" for column in unmapped),
                )
            )
        if "name" not in self.column_ids.mapped("target"):
            raise UserError(self.env._("Map a column to Company Name: every customer needs a name."))

    def _columns(self):
        """{column index: target} of the mapped columns, as the engine takes them."""
        return {
            column.index: column.target
            for column in self.column_ids
            if column.target and column.target != "ignore"
        }

    def _signature(self):
        """What the preview depends on, besides the file."""
        return json.dumps(
            [
                sorted(self._columns().items()),
                self.pool_id.id,
                self.assign_to_me,
                self.unknown_location,
            ]
        )

    def _make_engine(self):
        """The engine, working with the importer's rights in the import's company."""
        lang = self.env.lang or self.user_id.lang
        env = self.with_user(self.user_id).with_company(self.company_id).with_context(lang=lang).env
        return CustomerImportEngine(
            env,
            filename=self.filename or "",
            pool=self.pool_id.with_env(env),
            assign_to_me=self.assign_to_me,
            unknown_location=self.unknown_location,
            columns=self._columns(),
            document=self,
        )

    def _note_write_method(self, engine):
        """Tell on the import how its rows are written (SQL, or create() when an installed module
        changes what creating a customer does beyond what the fast import reproduces), and why."""
        method, note = engine.write_method()
        if (self.write_method, self.write_method_note) != (method, note):
            self.write({"write_method": method, "write_method_note": note})

    def _chunk_size(self):
        return self.env.context.get("crm_import_chunk") or CustomerImportEngine.CHUNK

    def _inline_rows(self):
        return self.env.context.get("crm_import_inline_rows") or INLINE_ROWS

    def _basename(self):
        name = self.filename or "import"
        return name.rsplit(".", 1)[0] if "." in name else name

    def _template_content(self):
        """The headers of every target, in the user's language when the import recognises them."""
        english = import_headers.target_labels()
        headers = [
            label if import_headers.match_header(label) == target else english[target]
            for target, label in import_headers.target_labels(self.env).items()
        ]
        return spreadsheet.write_template(headers)

    @api.model
    def _reasons(self, result):
        """The reasons of a row, without its number (shown beside them)."""
        return " ".join(result.reasons) if result.reasons else result.message

    def _prepare_preview(self, valid, skipped):
        """What the preview shows of the rows validated: the first rows to be created with the
        values of the mapped fields, the first rows skipped with their reasons; plain texts."""
        # each field once, in the order of the columns
        targets = list(
            dict.fromkeys(
                column.target
                for column in self.column_ids.sorted("index")
                if column.target and column.target != "ignore"
            )
        )
        return {
            "targets": targets,
            "valid": [
                [
                    result.row_number,
                    [str(result.values.get(target) or "") for target in targets],
                    self._reasons(result) or "",
                ]
                for result in valid
            ],
            "skipped": [
                [result.row_number, str(result.values.get("name") or ""), self._reasons(result) or ""]
                for result in skipped
            ],
        }

    def _render_preview(self):
        """The preview of :meth:`_prepare_preview`, as HTML. Every text of the file (and every
        reason, which may quote a cell) is escaped here: a cell holding markup shows as text."""
        self.ensure_one()
        data = self.preview_data
        labels = dict(
            self.env["crm.customer.import.column"]._fields["target"]._description_selection(self.env)
        )
        valid_rows = [
            (escape(row_number), [escape(value) for value in values], escape(note))
            for row_number, values, note in data.get("valid") or []
        ]
        skipped_rows = [
            (escape(row_number), escape(name), escape(reason))
            for row_number, name, reason in data.get("skipped") or []
        ]
        return self.env["ir.qweb"]._render(
            "crm_lifecycle.crm_customer_import_preview",
            {
                "record": self,
                "headers": [labels.get(target, target) for target in data.get("targets") or []],
                "valid_rows": valid_rows,
                "skipped_rows": skipped_rows,
                "with_notes": any(note for _row_number, _values, note in valid_rows),
                "summary": self.env._(
                    "%(valid)s rows will be imported, %(skipped)s rows will be skipped.",
                    valid=self.valid_count,
                    skipped=self.skipped_count,
                ),
                "more_skipped": self.skipped_count > len(skipped_rows)
                and self.env._(
                    "And %(count)s more rows: the error report lists them all after the import.",
                    count=self.skipped_count - len(skipped_rows),
                ),
            },
        )


class CrmCustomerImportError(models.Model):
    _name = "crm.customer.import.error"
    _description = "Customer Import: Skipped Row"
    _order = "import_id, row_number"

    import_id = fields.Many2one("crm.customer.import", required=True, ondelete="cascade", index=True)
    row_number = fields.Integer(string="Row", readonly=True)
    reason = fields.Text(readonly=True)
    cells = fields.Json(readonly=True, help="The cells of the row in the file, for the error report.")

    @api.model
    def _insert(self, record, results):
        """The skipped rows of one chunk of ``record`` (:class:`RowResult`, not ``ok``), with one
        COPY: a chunk may skip thousands of rows."""
        if not results:
            return
        env = self.env
        stamp = {
            "create_uid": env.uid,
            "write_uid": env.uid,
            "create_date": env.cr.now(),
            "write_date": env.cr.now(),
        }
        self.flush_model()
        insert_rows(
            self,
            [
                dict(
                    stamp,
                    import_id=record.id,
                    row_number=result.row_number,
                    reason=record._reasons(result),
                    cells=json.dumps(list(result.cells), ensure_ascii=False),
                )
                for result in results
            ],
        )
        record.invalidate_recordset(["error_ids"])


class CrmCustomerImportColumn(models.Model):
    _name = "crm.customer.import.column"
    _description = "Customer Import: Column"
    _order = "import_id, index"

    import_id = fields.Many2one("crm.customer.import", required=True, ondelete="cascade", index=True)
    index = fields.Integer(required=True, help="Position of the column in the sheet, from 0.")
    letter = fields.Char(string="Column", compute="_compute_letter")
    header = fields.Char(readonly=True)
    header_key = fields.Char(readonly=True)
    sample = fields.Char(string="Sample Values", readonly=True)
    target = fields.Selection(
        TARGET_SELECTION,
        string="Import Into",
        help="The field of the customer this column fills, or Ignore.",
    )

    @api.depends("index")
    def _compute_letter(self):
        for column in self:
            column.letter = _column_letter(column.index)

    def _apply_mapping(self, mapping):
        """Targets of a saved mapping, for the columns whose header it knows."""
        targets = {line.header_key: line.target for line in mapping.line_ids}
        for column in self:
            if column.header_key in targets:
                column.target = targets[column.header_key]


class CrmCustomerImportMapping(models.Model):
    _name = "crm.customer.import.mapping"
    _description = "Customer Import: Saved Mapping"
    _order = "name, id"
    _check_company_auto = True

    name = fields.Char(required=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    line_ids = fields.One2many("crm.customer.import.mapping.line", "mapping_id", string="Columns", copy=True)

    _sql_constraints = [
        ("name_company_uniq", "UNIQUE(name, company_id)", "A mapping with this name already exists."),
    ]


class CrmCustomerImportMappingLine(models.Model):
    _name = "crm.customer.import.mapping.line"
    _description = "Customer Import: Saved Mapping Column"
    _order = "mapping_id, id"

    mapping_id = fields.Many2one("crm.customer.import.mapping", required=True, ondelete="cascade", index=True)
    header = fields.Char(required=True)
    header_key = fields.Char(
        required=True, help="The header without case, accents, spaces and punctuation, as files are matched."
    )
    target = fields.Selection(TARGET_SELECTION, string="Import Into", required=True)

    @api.onchange("header")
    def _onchange_header(self):
        if self.header:
            self.header_key = import_headers.header_key(self.header)
