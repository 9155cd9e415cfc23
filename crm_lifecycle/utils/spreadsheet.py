"""Read customer spreadsheets (.xlsx, .ods, .xls, .csv) as rows of text; write the error report and template.

Pure Python, no ORM. :func:`open_table` checks the file, finds the sheet and its
header row, and returns a :class:`Table` whose :meth:`Table.rows` yields the data
rows as lists of cell texts, numbered as Excel numbers them. Anything that makes
the file unusable raises :class:`SpreadsheetError` when it is opened, before a
single row is handed out, with a message that says what to do:

- a corrupted or unreadable file, a password-protected one, an unsupported
  extension, a file of :data:`MAX_FILE_SIZE` or more (refused before parsing);
- an empty sheet, a sheet with a header row and no data, no recognisable header;
- a formula whose value was never calculated (openpyxl and scripts save formulas
  without their value); formulas with a saved value are read as that value;
- merged cells in the header row or below it.

Cells become text the way a person reads them: numbers keep all their digits
(a phone 48600100200 or a VAT 5261040828 stored as a number stays ``"48600100200"``,
never ``4.86001002E10``), dates become ``YYYY-MM-DD`` (``YYYY-MM-DD HH:MM:SS`` with
a time), booleans ``TRUE``/``FALSE``; error values (``#N/A``) are read as empty cells.

Libraries: python-calamine (calamine, in Rust) reads .xlsx, .xlsm and .ods files,
xlrd reads .xls files and Python's csv module .csv files; openpyxl writes the error
report and the template. Around calamine, a few checks of what it does not report:
the size the zip unpacks to, encrypted packages, formulas without a saved value
(calamine reads them as empty cells) and, in .ods files, merged cells.
"""

import codecs
import csv
import datetime
import io
import posixpath
import re
import zipfile
from decimal import Decimal
from pathlib import PurePath
from xml.etree.ElementTree import iterparse
from xml.etree.ElementTree import parse as parse_xml

import openpyxl
import python_calamine
import xlrd
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from xlrd.compdoc import CompDoc

from odoo.exceptions import UserError
from odoo.tools.translate import LazyTranslate

from .import_headers import ALIASES, TARGETS, match_header

_lt = LazyTranslate(__name__)

MAX_FILE_SIZE = 100 * 1024 * 1024
# The parts of an .xlsx or .ods file once unpacked (a 100 MB .xlsx unpacks to about 1 GB).
MAX_UNPACKED_SIZE = 2 * 1024 * 1024 * 1024
# The header row is looked for among the first non-empty rows of a sheet.
HEADER_SCAN_ROWS = 20
# Excel's limit of characters in a cell.
MAX_CELL_CHARS = 32767

EXTENSIONS = (".xlsx", ".xlsm", ".ods", ".xls", ".csv")
CSV_ENCODINGS = ("utf-8-sig", "gb18030", "cp1250", "latin-1")
CSV_DELIMITERS = (",", ";", "\t")
_CSV_SEPARATOR_LINE = re.compile(r"sep=(.)\r?\n")

# Labels of the columns the error report adds, translated by the caller (env._(REPORT_ROW_HEADER)).
REPORT_ROW_HEADER = _lt("Row")
REPORT_ERROR_HEADER = _lt("Error")

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Searched in the raw XML of a sheet before parsing it for formulas or merged cells: most
# files have none, and are then never parsed by this module.
_RAW_XLSX_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_RAW_ODS_CHECKED = re.compile(rb"table:formula=|number-(?:rows|columns)-spanned=")
_SCAN_CHUNK = 1 << 20
_SCAN_OVERLAP = 64
_ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_ODS_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"


class SpreadsheetError(UserError):
    """A file that cannot be imported; the message says why and what to do.

    The message (``args[0]``) is a lazy translation already holding its parameters:
    ``str(error)`` translates it in the language of the current request or
    ``self.env``, ``env._(error.args[0])`` in ``env``'s language.
    """


# ---------------------------------------------------------------------------
# Checks before parsing
# ---------------------------------------------------------------------------


def _human_size(size):
    if size >= 1024 * 1024 * 1024:
        return f"{size / (1024 * 1024 * 1024):.1f} GB"
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.1f} kB"
    return f"{size} B"


def check_size(size, filename):
    """Refuse a file of :data:`MAX_FILE_SIZE` bytes or more, before anything reads it."""
    if size >= MAX_FILE_SIZE:
        raise SpreadsheetError(
            _lt(
                "The file “%(filename)s” is %(size)s; files of 100 MB or more cannot be imported. "
                "Split it into several smaller files and import them one after the other.",
                filename=filename,
                size=_human_size(size),
            )
        )


def _corrupted(filename):
    return SpreadsheetError(
        _lt(
            "The file “%(filename)s” cannot be read: it is damaged or it is not really a spreadsheet. "
            "Open it in Excel or LibreOffice, save it again as an Excel workbook (.xlsx) "
            "and upload the saved copy.",
            filename=filename,
        )
    )


def _password_protected(filename):
    return SpreadsheetError(
        _lt(
            "The file “%(filename)s” is protected by a password and cannot be read. "
            "Open it in Excel, remove the password (File > Info > Protect Workbook > Encrypt with Password, "
            "clear the password), save it and upload it again.",
            filename=filename,
        )
    )


def _ole_kind(content):
    """``"encrypted"``, ``"xls"`` or ``None`` (not a spreadsheet) for an OLE2 compound file.

    Office stores an encrypted .xlsx as a compound file holding the streams
    "EncryptionInfo" and "EncryptedPackage"; an .xls holds a "Workbook" (or "Book")
    stream. The directory is read by xlrd.
    """
    try:
        names = {entry.name.casefold() for entry in CompDoc(content, logfile=io.StringIO()).dirlist}
    except Exception:  # any failure on a directory we cannot walk: look for the stream name
        if "EncryptedPackage".encode("utf-16-le") in content:
            return "encrypted"
        return "xls"  # let xlrd try, it reports a damaged file clearly
    if "encryptedpackage" in names or "encryptioninfo" in names:
        return "encrypted"
    if "workbook" in names or "book" in names:
        return "xls"
    return None


# ---------------------------------------------------------------------------
# Cell values to text
# ---------------------------------------------------------------------------


def _float_text(value):
    if value != value or value in (float("inf"), float("-inf")):  # NaN, infinities
        return repr(value)
    if value.is_integer():
        return str(int(value))
    # 15 significant digits as Excel shows them, never in scientific notation.
    text = format(Decimal(format(value, ".15g")).normalize(), "f")
    return text


def _date_text(value):
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0, 0):
            return value.date().isoformat()
        return value.replace(microsecond=0).isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, datetime.time):
        return value.replace(microsecond=0).isoformat()
    return str(value)


def cell_text(value):
    """The text of a cell value as a person reads it (see the module's documentation)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float_text(value)
    if isinstance(value, Decimal):
        return (
            _float_text(float(value))
            if value == value.to_integral_value()
            else format(value.normalize(), "f")
        )
    if isinstance(value, datetime.date | datetime.time | datetime.timedelta):
        return _date_text(value)
    return str(value).strip()


# ---------------------------------------------------------------------------
# Table
# ---------------------------------------------------------------------------


class Table:
    """One sheet of a spreadsheet: its header row and its data rows as text.

    :ivar sheet_name: the sheet's name (the file name for a CSV file)
    :ivar header_index: 0-based index of the header row (Excel row ``header_index + 1``)
    :ivar headers: the header texts, one per column (``""`` for a column without header)
    """

    def __init__(self, reader, filename):
        self._reader = reader
        self.filename = filename
        self.sheet_name = reader.sheet_name
        self.header_index = None
        self.headers = []
        self._row_count = None

    @property
    def header_row(self):
        """1-based number of the header row, as Excel shows it."""
        return self.header_index + 1

    def rows(self):
        """Iterate over the data rows below the header: ``(row_number, [cell text, ...])``.

        ``row_number`` is the row number Excel shows; blank rows are skipped; every
        list has one text per header. Each call reads the sheet again, lazily.
        """
        width = len(self.headers)
        header_row = self.header_row
        for row_number, cells in self._reader.iter_rows():
            if row_number <= header_row:
                continue
            if len(cells) < width:
                cells.extend([""] * (width - len(cells)))
            elif len(cells) > width:
                del cells[width:]
            yield row_number, cells

    @property
    def row_count(self):
        """Number of data rows (one streaming pass the first time)."""
        if self._row_count is None:
            self._row_count = sum(1 for _row in self.rows())
        return self._row_count

    def close(self):
        self._reader.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def _detect_header(self):
        """Find the header row among the first non-empty rows; return an error or ``None``."""
        first_rows = []
        has_more = False
        for row in self._reader.iter_rows():
            if len(first_rows) == HEADER_SCAN_ROWS:
                has_more = True
                break
            first_rows.append(row)
        if not first_rows:
            return SpreadsheetError(
                _lt(
                    "The sheet “%(sheet)s” of the file “%(filename)s” is empty. Put the customers "
                    "on the first sheet, one per row below a header row, and upload the file again.",
                    sheet=self.sheet_name,
                    filename=self.filename,
                )
            )
        best, best_score = None, 0
        for position, (_row_number, cells) in enumerate(first_rows):
            targets = [match_header(cell) for cell in cells]
            score = sum(1 for target in targets if target)
            if score > best_score and (score >= 2 or "name" in targets):
                best, best_score = position, score
        if best is None:
            return SpreadsheetError(
                _lt(
                    "No header row was recognised in the first %(count)s rows of the sheet “%(sheet)s”. "
                    "Put one row of column names above the customers, such as: %(expected)s "
                    "(or the same names in Chinese or Polish), and upload the file again.",
                    count=HEADER_SCAN_ROWS,
                    sheet=self.sheet_name,
                    expected=", ".join(ALIASES[target][0] for target in TARGETS),
                )
            )
        header_number, header_cells = first_rows[best]
        if best == len(first_rows) - 1 and not has_more:
            return SpreadsheetError(
                _lt(
                    "The sheet “%(sheet)s” has a header row (row %(row)s) but no customer below it. "
                    "Add the customers below the header row, one per row, and upload the file again.",
                    sheet=self.sheet_name,
                    row=header_number,
                )
            )
        width = max(len(cells) for _number, cells in first_rows[best:])
        self.header_index = header_number - 1
        self.headers = header_cells + [""] * (width - len(header_cells))
        return None

    def _check_content(self):
        """Refuse merged cells and formulas without a value in the header row or below."""
        merged = self._reader.merged_ranges(self.header_row)
        if merged:
            raise SpreadsheetError(
                _lt(
                    "Cells %(range)s of the sheet “%(sheet)s” are merged. Merged cells leave the rows they "
                    "cover empty: unmerge them (Home > Merge & Center > Unmerge Cells), write the value "
                    "in every row and upload the file again.",
                    range=merged[0],
                    sheet=self.sheet_name,
                )
            )
        formula_cell = self._reader.uncalculated_formula(self.header_row)
        if formula_cell:
            raise SpreadsheetError(
                _lt(
                    "Cell %(cell)s of the sheet “%(sheet)s” holds a formula whose value was never "
                    "calculated and saved. Open the file in Excel or LibreOffice, copy the cells and paste "
                    "them as values only (Paste Special > Values), save and upload the file again.",
                    cell=formula_cell,
                    sheet=self.sheet_name,
                )
            )


# ---------------------------------------------------------------------------
# Sheet readers: iter_rows() yields (row_number, [text, ...]) of non-empty rows,
# trailing empty cells removed.
# ---------------------------------------------------------------------------


def _trimmed(cells):
    while cells and not cells[-1]:
        cells.pop()
    return cells


def _range_text(first_row, first_col, last_row, last_col):
    first = f"{get_column_letter(first_col)}{first_row}"
    if (first_row, first_col) == (last_row, last_col):
        return first
    return f"{first}:{get_column_letter(last_col)}{last_row}"


def _raw_search(source, pattern):
    """Whether ``pattern`` occurs in the binary stream ``source``, read a chunk at a time."""
    tail = b""
    while chunk := source.read(_SCAN_CHUNK):
        data = tail + chunk
        if pattern.search(data):
            return True
        tail = data[-_SCAN_OVERLAP:]
    return False


def _local_name(tag):
    return tag.rpartition("}")[2]


def _ods_scan(source):
    """Merged cells and formulas without a saved value of the tables of an .ods ``content.xml``.

    :return: ``{table name: (merged ranges, formula cells)}``, a range as 1-based
        ``(first row, first column, last row, last column)``, a cell as ``(row, column)``
    """
    found, merges, formulas = {}, [], []
    row = column = 0
    cell_tags = (f"{_ODS_TABLE}table-cell", f"{_ODS_TABLE}covered-table-cell")
    for event, element in iterparse(source, events=("start", "end")):
        tag = element.tag
        if event == "end":
            if tag == f"{_ODS_TABLE}table-row":
                row += int(element.get(f"{_ODS_TABLE}number-rows-repeated", 1)) - 1
                element.clear()
        elif tag == f"{_ODS_TABLE}table":
            merges, formulas = found.setdefault(element.get(f"{_ODS_TABLE}name"), ([], []))
            row = 0
        elif tag == f"{_ODS_TABLE}table-row":
            row, column = row + 1, 0
        elif tag in cell_tags:
            column += 1
            rows = int(element.get(f"{_ODS_TABLE}number-rows-spanned", 1))
            columns = int(element.get(f"{_ODS_TABLE}number-columns-spanned", 1))
            if rows > 1 or columns > 1:
                merges.append((row, column, row + rows - 1, column + columns - 1))
            if element.get(f"{_ODS_TABLE}formula") and not element.get(f"{_ODS_OFFICE}value-type"):
                formulas.append((row, column))
            column += int(element.get(f"{_ODS_TABLE}number-columns-repeated", 1)) - 1
    return found


class _CalamineBook:
    """An .xlsx/.xlsm or .ods workbook read by calamine, and its zip for what calamine does not
    report: the unpacked size, encryption, formulas without a value, merged cells of .ods files."""

    def __init__(self, content, filename):
        self.content = content
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            # zipfile never unpacks more than the sizes declared: refuse a "zip bomb" on them
            unpacked = sum(item.file_size for item in archive.infolist())
            if unpacked > MAX_UNPACKED_SIZE:
                raise SpreadsheetError(
                    _lt(
                        "The file “%(filename)s” unpacks to %(size)s, more than the import reads "
                        "(%(limit)s). Split it into several smaller files and import them one after "
                        "the other.",
                        filename=filename,
                        size=_human_size(unpacked),
                        limit=_human_size(MAX_UNPACKED_SIZE),
                    )
                )
            names = archive.NameToInfo
            self.is_ods = "content.xml" in names and "xl/workbook.xml" not in names
            # an .ods saved with a password: its manifest describes how each part is encrypted
            manifest = "META-INF/manifest.xml"
            if self.is_ods and manifest in names and b"encryption-data" in archive.read(manifest):
                raise _password_protected(filename)
            self._parts, active = ([], 0) if self.is_ods else self._xlsx_parts(archive)
        self.workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
        self.sheets = []  # (index, name) of the visible worksheets, the active one first
        for index, sheet in enumerate(self.workbook.sheets_metadata):
            if (
                sheet.visible == python_calamine.SheetVisibleEnum.Visible
                and sheet.typ == python_calamine.SheetTypeEnum.WorkSheet
            ):
                self.sheets.insert(0 if index == active else len(self.sheets), (index, sheet.name))
        self._ods_checks = None

    @staticmethod
    def _xlsx_parts(archive):
        """The part of each sheet, in workbook order, and the index of the active sheet.

        calamine reads the workbook at ``xl/workbook.xml`` only (an .xlsb has none).
        """
        if "xl/workbook.xml" not in archive.NameToInfo:
            return [], 0
        with archive.open("xl/workbook.xml") as source:
            workbook = parse_xml(source).getroot()
        targets = {}
        if "xl/_rels/workbook.xml.rels" in archive.NameToInfo:
            with archive.open("xl/_rels/workbook.xml.rels") as source:
                for relation in parse_xml(source).getroot():
                    target = relation.get("Target", "")
                    path = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
                    targets[relation.get("Id")] = posixpath.normpath(path)
        parts = []
        for sheet in workbook.findall("{*}sheets/{*}sheet"):
            relation_id = next((value for key, value in sheet.attrib.items() if key.endswith("}id")), "")
            parts.append(targets.get(relation_id))
        view = workbook.find("{*}bookViews/{*}workbookView")
        active = int(view.get("activeTab", 0)) if view is not None else 0
        return parts, active

    def ods_checks(self, sheet_name):
        """``(merged ranges, formula cells)`` of a table of an .ods (see :func:`_ods_scan`)."""
        if self._ods_checks is None:
            self._ods_checks = {}
            with zipfile.ZipFile(io.BytesIO(self.content)) as archive:
                with archive.open("content.xml") as source:
                    checked = _raw_search(source, _RAW_ODS_CHECKED)
                if checked:
                    with archive.open("content.xml") as source:
                        self._ods_checks = _ods_scan(source)
        return self._ods_checks.get(sheet_name, ([], []))

    def xlsx_uncalculated_formula(self, index, from_row):
        """The first cell of the sheet ``index`` at row ``from_row`` or below holding a formula
        without a saved value, as ``"C4"``; ``None`` when there is none."""
        part = self._parts[index] if index < len(self._parts) else None
        with zipfile.ZipFile(io.BytesIO(self.content)) as archive:
            if not part or part not in archive.NameToInfo:
                return None
            with archive.open(part) as source:
                if not _raw_search(source, _RAW_XLSX_FORMULA):
                    return None
            row_number = 0
            with archive.open(part) as source:
                for event, element in iterparse(source, events=("start", "end")):
                    tag = _local_name(element.tag)
                    if event == "start":
                        if tag == "row":
                            number = element.get("r")
                            row_number = int(number) if number else row_number + 1
                    elif tag == "row":
                        element.clear()
                    elif tag == "c" and row_number >= from_row:
                        children = {_local_name(child.tag): child for child in element}
                        value = children.get("v")
                        if "f" in children and (
                            value is None
                            or (not value.text and element.get("t") not in ("str", "s", "inlineStr"))
                        ):
                            return element.get("r") or f"{row_number}"
        return None

    def close(self):
        if self.workbook is not None:
            self.workbook.close()
            self.workbook = self.content = None


class _CalamineSheet:
    """A worksheet of an .xlsx/.xlsm or .ods file, read by calamine the first time it is needed."""

    def __init__(self, book, index, sheet_name):
        self._book = book
        self._index = index
        self.sheet_name = sheet_name
        self._sheet = None

    def _data(self):
        if self._sheet is None:
            self._sheet = self._book.workbook.get_sheet_by_index(self._index)
        return self._sheet

    def merged_ranges(self, from_row):
        """Merged ranges (``"A5:A7"``) reaching row ``from_row`` or below, in sheet order."""
        if self._book.is_ods:
            ranges = self._book.ods_checks(self.sheet_name)[0]
        else:  # 0-based, as ((first row, first column), (last row, last column))
            ranges = [
                (first_row + 1, first_col + 1, last_row + 1, last_col + 1)
                for (first_row, first_col), (last_row, last_col) in self._data().merged_cell_ranges or ()
            ]
        return [
            _range_text(*cells) for cells in sorted(ranges) if cells[:2] != cells[2:] and cells[2] >= from_row
        ]

    def uncalculated_formula(self, from_row):
        """The first cell at row ``from_row`` or below holding a formula without a saved value."""
        if not self._book.is_ods:
            return self._book.xlsx_uncalculated_formula(self._index, from_row)
        cells = sorted(cell for cell in self._book.ods_checks(self.sheet_name)[1] if cell[0] >= from_row)
        return _range_text(*cells[0], *cells[0]) if cells else None

    def iter_rows(self):
        sheet = self._data()
        if sheet.start is None:  # nothing in the sheet
            return
        # calamine yields the rows above the data too, empty: the position is the row number;
        # the cells start at the first column holding data
        padding = [""] * sheet.start[1]
        for row_number, values in enumerate(sheet.iter_rows(), start=1):
            cells = [value.strip() if type(value) is str else cell_text(value) for value in values]
            if padding:
                cells[:0] = padding
            if _trimmed(cells):
                yield row_number, cells

    def close(self):
        self._sheet = None
        self._book.close()


class _XlsSheet:
    """A worksheet of an .xls file (xlrd holds the whole workbook, at most 65,536 rows)."""

    def __init__(self, book, sheet):
        self._book = book
        self._sheet = sheet
        self.sheet_name = sheet.name

    def merged_ranges(self, from_row):
        found = []
        for first_row, end_row, first_col, end_col in sorted(self._sheet.merged_cells):
            if end_row - first_row <= 1 and end_col - first_col <= 1:
                continue  # a single cell
            if end_row < from_row:
                continue
            found.append(_range_text(first_row + 1, first_col + 1, end_row, end_col))
        return found

    def uncalculated_formula(self, from_row):
        return None  # .xls files always hold the value of their formulas

    def iter_rows(self):
        sheet, datemode = self._sheet, self._book.datemode
        for index in range(sheet.nrows):
            cells = []
            for cell in sheet.row(index):
                if cell.ctype == xlrd.XL_CELL_DATE:
                    try:
                        cells.append(_date_text(xlrd.xldate.xldate_as_datetime(cell.value, datemode)))
                    except (ValueError, OverflowError):
                        cells.append(cell_text(cell.value))
                elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                    cells.append(cell_text(bool(cell.value)))
                elif cell.ctype == xlrd.XL_CELL_ERROR:
                    cells.append(xlrd.error_text_from_code.get(cell.value, "#ERROR"))
                else:
                    cells.append(cell_text(cell.value))
            if _trimmed(cells):
                yield index + 1, cells

    def close(self):
        self._book.release_resources()


class _CsvSheet:
    """A CSV file: delimiter and encoding guessed, one record per row."""

    def __init__(self, text, filename, delimiter):
        self._text = text
        self.sheet_name = filename
        self.delimiter = delimiter

    def merged_ranges(self, from_row):
        return []

    def uncalculated_formula(self, from_row):
        return None

    def iter_rows(self):
        reader = csv.reader(io.StringIO(self._text, newline=""), delimiter=self.delimiter)
        for number, record in enumerate(reader, start=1):
            cells = _trimmed([value.strip() for value in record])
            if cells:
                yield number, cells

    def close(self):
        self._text = None


# ---------------------------------------------------------------------------
# Opening a file
# ---------------------------------------------------------------------------


def _decode_csv(content):
    encodings = CSV_ENCODINGS
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # Excel's "Unicode text"
        encodings = ("utf-16", *CSV_ENCODINGS)
    for encoding in encodings:
        try:
            return codecs.decode(content, encoding)
        except UnicodeDecodeError:
            continue
    return content.decode("latin-1")  # never reached: latin-1 decodes any byte


def _sniff_delimiter(text):
    """The delimiter giving the most rows of the same number (>1) of columns in the first lines."""
    sample = "\n".join(text[: 64 * 1024].splitlines()[:50])
    best, best_score = ",", (0, 0)
    for delimiter in CSV_DELIMITERS:
        try:
            widths = [
                len(record) for record in csv.reader(io.StringIO(sample), delimiter=delimiter) if record
            ]
        except csv.Error:
            continue
        widths = [width for width in widths if width > 1]
        if not widths:
            continue
        common = max(set(widths), key=lambda width: (widths.count(width), width))
        score = (widths.count(common), common)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _calamine_sheets(content, filename):
    try:
        book = _CalamineBook(content, filename)
    except SpreadsheetError:
        raise
    except Exception as error:  # any failure of a parser fed with a damaged file
        raise _corrupted(filename) from error
    return [_CalamineSheet(book, index, name) for index, name in book.sheets]


def _xls_sheets(content, filename):
    try:
        try:
            book = xlrd.open_workbook(file_contents=content, formatting_info=True, logfile=io.StringIO())
        except NotImplementedError:  # formatting of old BIFF versions: read the values only
            book = xlrd.open_workbook(file_contents=content, logfile=io.StringIO())
    except xlrd.XLRDError as error:
        if "encrypted" in str(error).lower():
            raise _password_protected(filename) from error
        raise _corrupted(filename) from error
    except Exception as error:  # any failure of a parser fed with a damaged file
        raise _corrupted(filename) from error
    return [_XlsSheet(book, sheet) for sheet in book.sheets() if sheet.visibility == 0]


def _sheet_readers(content, filename):
    extension = PurePath(filename or "").suffix.lower()
    if extension not in EXTENSIONS:
        raise SpreadsheetError(
            _lt(
                "The file “%(filename)s” is not a spreadsheet the import reads. "
                "Save it as an Excel workbook (.xlsx or .xls), an OpenDocument spreadsheet (.ods) "
                "or CSV (.csv) and upload it again.",
                filename=filename,
            )
        )
    if content.startswith(_ZIP_MAGIC):
        return _calamine_sheets(content, filename)
    if content.startswith(_OLE_MAGIC):
        kind = _ole_kind(content)
        if kind == "encrypted":
            raise _password_protected(filename)
        if kind == "xls":
            return _xls_sheets(content, filename)
        raise _corrupted(filename)
    if extension != ".csv":
        raise _corrupted(filename)
    text = _decode_csv(content)
    if "\x00" in text[:4096]:
        raise _corrupted(filename)
    separator_line = _CSV_SEPARATOR_LINE.match(text)
    if separator_line:  # Excel's "sep=;" first line, not shown as a row when Excel opens the file
        return [_CsvSheet(text[separator_line.end() :], filename, separator_line.group(1))]
    return [_CsvSheet(text, filename, _sniff_delimiter(text))]


def open_table(content, filename):
    """Open the customer sheet of a spreadsheet file.

    :param bytes content: the file
    :param str filename: its name; the extension (.xlsx, .xlsm, .ods, .xls, .csv) must be one
        of :data:`EXTENSIONS`, the format itself is recognised from the content
    :return: the :class:`Table` of the first visible sheet (the active one first) where a
        header row is recognised
    :raise SpreadsheetError: when the file cannot be imported (see the module)
    """
    content = content or b""
    check_size(len(content), filename)
    if not content:
        raise _corrupted(filename)
    readers = _sheet_readers(content, filename)
    first_error = None
    for reader in readers:
        table = Table(reader, filename)
        try:
            error = table._detect_header()
            if error is None:
                table._check_content()
                return table
        except SpreadsheetError:
            raise
        except Exception as parse_error:  # any failure of a parser fed with a damaged file
            raise _corrupted(filename) from parse_error
        first_error = first_error or error
    if first_error is None:  # no visible worksheet at all
        raise _corrupted(filename)
    raise first_error


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------


def _safe_text(value):
    text = ILLEGAL_CHARACTERS_RE.sub("", cell_text(value))
    return text[:MAX_CELL_CHARS]


def _text_cell(sheet, value, font=None):
    """A write-only cell holding ``value`` as text: digits are not turned into numbers
    and a text starting with "=" is not a formula."""
    cell = WriteOnlyCell(sheet)
    cell.value = _safe_text(value)
    cell.data_type = "s"
    cell.number_format = "@"
    if font:
        cell.font = font
    return cell


def write_report(headers, rows, error_header, row_header="Row"):
    """An .xlsx of the rows that were not imported, to correct them and import them again.

    :param headers: the header texts of the imported sheet
    :param rows: iterable of ``(row_number, cells, message)``
    :param error_header: the label of the error column (translated by the caller)
    :param row_header: the label of the row-number column (translated by the caller,
        e.g. ``env._(REPORT_ROW_HEADER)``)
    :return: the .xlsx file as bytes; columns: the original ones, the row number, the error
    """
    headers = list(headers)
    width = len(headers)
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    sheet.append([_text_cell(sheet, header, bold) for header in [*headers, row_header, error_header]])
    for row_number, cells, message in rows:
        cells = list(cells)[:width]
        cells += [""] * (width - len(cells))
        line = [_text_cell(sheet, value) for value in cells]
        line.append(row_number)
        line.append(_text_cell(sheet, message))
        sheet.append(line)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


# Values of the example row of the template, by target.
TEMPLATE_EXAMPLE = {
    "name": "Example Trading Sp. z o.o.",
    "contact_name": "Anna Nowak",
    "phone": "+48 22 100 20 30",
    "mobile": "+48 600 100 200",
    "email": "anna.nowak@example.com",
    "vat": "PL5261040828",
    "street": "ul. Prosta 1",
    "city": "Warszawa",
    "state": "Mazowieckie",
    "country": "PL",
    "website": "https://www.example.com",
    "industry": "Wholesale",
    "source": "Trade fair",
    "notes": "Met at the spring fair",
    "tags": "Fair 2025, Wholesale",
}


def write_template(headers):
    """An .xlsx with ``headers`` in bold in a frozen first row and one example row below.

    The example value of each column is that of the target its header matches
    (:data:`TEMPLATE_EXAMPLE`); unrecognised headers get an empty cell.
    """
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    bold = Font(bold=True)
    for column, header in enumerate(headers, start=1):
        title = sheet.cell(row=1, column=column, value=_safe_text(header))
        title.font = bold
        example = sheet.cell(row=2, column=column, value=TEMPLATE_EXAMPLE.get(match_header(header), ""))
        example.data_type = "s"
        example.number_format = "@"
        sheet.column_dimensions[get_column_letter(column)].width = max(14, len(str(header)) + 4)
    sheet.freeze_panes = "A2"
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
