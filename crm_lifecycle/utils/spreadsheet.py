"""Read customer spreadsheets (.xlsx, .xls, .csv) as rows of text; write the error report and template.

Pure Python, no ORM. :func:`open_table` checks the file, finds the sheet and its
header row, and returns a :class:`Table` whose :meth:`Table.rows` streams the data
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
a time), booleans ``TRUE``/``FALSE``.

.xlsx files are read from the zip with the standard library's XML parser (expat:
no external entities, no entity expansion bombs), the sheet as a stream: 50,000
rows are never held in memory at once, and this is several times faster than
openpyxl's read-only cells, which also drop the formula and merge information.
openpyxl writes the error report and the template.
"""

import codecs
import csv
import datetime
import io
import posixpath
import re
import struct
import zipfile
import zlib
from decimal import Decimal
from pathlib import PurePath
from xml.etree.ElementTree import ParseError, iterparse
from xml.etree.ElementTree import parse as parse_xml

import openpyxl
import xlrd
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import column_index_from_string
from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH, from_excel, from_ISO8601

from odoo.exceptions import UserError
from odoo.tools.translate import LazyTranslate

from .import_headers import ALIASES, TARGETS, match_header

_lt = LazyTranslate(__name__)

MAX_FILE_SIZE = 100 * 1024 * 1024
# The parts of an .xlsx file once unpacked (a 100 MB .xlsx unpacks to about 1 GB).
MAX_UNPACKED_SIZE = 2 * 1024 * 1024 * 1024
# The header row is looked for among the first non-empty rows of a sheet.
HEADER_SCAN_ROWS = 20
# Excel's limit of characters in a cell.
MAX_CELL_CHARS = 32767

EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".csv")
CSV_ENCODINGS = ("utf-8-sig", "gb18030", "cp1250", "latin-1")
CSV_DELIMITERS = (",", ";", "\t")
_CSV_SEPARATOR_LINE = re.compile(r"sep=(.)\r?\n")

# Labels of the columns the error report adds, translated by the caller (env._(REPORT_ROW_HEADER)).
REPORT_ROW_HEADER = _lt("Row")
REPORT_ERROR_HEADER = _lt("Error")

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_COORDINATE = re.compile(r"([A-Z]+)(\d+)")
# Scanned in the raw sheet XML, whatever namespace prefix the writer chose.
_RAW_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_RAW_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\s[^>]*?ref=\"([A-Za-z]+\d+(?::[A-Za-z]+\d+)?)\"")
_SCAN_CHUNK = 1 << 20
_SCAN_OVERLAP = 512


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


# ---------------------------------------------------------------------------
# OLE2 compound files (.xls, and encrypted .xlsx)
# ---------------------------------------------------------------------------

_CFB_FREE = 0xFFFFFFFF
_CFB_END_OF_CHAIN = 0xFFFFFFFE
_CFB_MAX_SECTORS = 1 << 20


def _cfb_stream_names(content):
    """Names of the entries of an OLE2 compound file, read from its directory.

    Office stores an encrypted .xlsx as a compound file holding the streams
    "EncryptionInfo" and "EncryptedPackage"; an .xls holds a "Workbook" (or "Book")
    stream. Raises ``ValueError`` on a malformed file.
    """
    if len(content) < 512 or content[:8] != _OLE_MAGIC:
        raise ValueError("not a compound file")
    sector_shift, _mini_shift = struct.unpack_from("<HH", content, 30)
    if sector_shift not in (9, 12):
        raise ValueError("bad sector size")
    sector_size = 1 << sector_shift
    (first_directory,) = struct.unpack_from("<I", content, 48)
    first_difat, difat_count = struct.unpack_from("<II", content, 68)

    def sector(sid):
        start = (sid + 1) * sector_size
        if sid >= _CFB_MAX_SECTORS or start + sector_size > len(content):
            raise ValueError("sector out of the file")
        return content[start : start + sector_size]

    fat_sectors = [sid for sid in struct.unpack_from("<109I", content, 76) if sid != _CFB_FREE]
    per_sector = sector_size // 4
    sid = first_difat
    for _index in range(difat_count):
        if sid in (_CFB_FREE, _CFB_END_OF_CHAIN):
            break
        entries = struct.unpack(f"<{per_sector}I", sector(sid))
        fat_sectors.extend(entry for entry in entries[:-1] if entry != _CFB_FREE)
        sid = entries[-1]
    fat = []
    for fat_sid in fat_sectors:
        fat.extend(struct.unpack(f"<{per_sector}I", sector(fat_sid)))

    names = []
    sid, seen = first_directory, set()
    while sid != _CFB_END_OF_CHAIN:
        if sid in seen or sid >= len(fat):
            raise ValueError("broken directory chain")
        seen.add(sid)
        data = sector(sid)
        for offset in range(0, sector_size, 128):
            name_size, entry_type = struct.unpack_from("<HB", data, offset + 64)
            if entry_type in (1, 2, 5) and 2 <= name_size <= 64:
                names.append(data[offset : offset + name_size - 2].decode("utf-16-le", "replace"))
        sid = fat[sid]
    return names


def _ole_kind(content):
    """``"encrypted"``, ``"xls"`` or ``None`` (not a spreadsheet) for an OLE2 file."""
    try:
        names = {name.casefold() for name in _cfb_stream_names(content)}
    except (ValueError, struct.error):
        # A directory we cannot walk: fall back on the stream name anywhere in the file.
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


class _XlsxBook:
    """The parts of an .xlsx/.xlsm package the sheets need: sheet list, shared strings, date styles.

    Read with the standard XML parser from the zip: the sheets themselves are parsed as a
    stream by :class:`_XlsxSheet`, faster than openpyxl's read-only cells and keeping the
    formula and merge information openpyxl drops in read-only mode.
    """

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
            workbook_path = self._office_document(archive)
            workbook = self._xml(archive, workbook_path)
            namespace = workbook.tag.partition("}")[0] + "}"
            relations = self._relations(archive, workbook_path)
            self.tags = {name: namespace + name for name in ("row", "c", "v", "f", "is", "t", "rPh", "si")}
            properties = workbook.find(namespace + "workbookPr")
            date1904 = properties is not None and properties.get("date1904") in ("1", "true")
            self.epoch = MAC_EPOCH if date1904 else WINDOWS_EPOCH
            view = workbook.find(f"{namespace}bookViews/{namespace}workbookView")
            active = int(view.get("activeTab", 0)) if view is not None else 0
            self.sheets = []
            for index, sheet in enumerate(workbook.iter(namespace + "sheet")):
                relation_id = next((value for key, value in sheet.attrib.items() if key.endswith("}id")), "")
                kind, path = relations.get(relation_id, ("", ""))
                if (
                    kind == "worksheet"
                    and sheet.get("state", "visible") == "visible"
                    and path in archive.NameToInfo
                ):
                    self.sheets.insert(0 if index == active else len(self.sheets), (sheet.get("name"), path))
            strings_path = next((path for kind, path in relations.values() if kind == "sharedStrings"), None)
            self.shared_strings = self._shared_strings(archive, strings_path) if strings_path else []
            styles_path = next((path for kind, path in relations.values() if kind == "styles"), None)
            self.date_styles, self.duration_styles = self._date_styles(archive, styles_path, namespace)

    @staticmethod
    def _xml(archive, path):
        with archive.open(path) as source:
            return parse_xml(source).getroot()

    @classmethod
    def _relations(cls, archive, part):
        """``{relation id: (type, part path)}`` of a part."""
        folder, _sep, name = part.rpartition("/")
        rels_path = f"{folder}/_rels/{name}.rels" if folder else f"_rels/{name}.rels"
        if rels_path not in archive.NameToInfo:
            return {}
        relations = {}
        for relation in cls._xml(archive, rels_path):
            target = relation.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
            relations[relation.get("Id")] = (
                relation.get("Type", "").rpartition("/")[2],
                posixpath.normpath(path),
            )
        return relations

    @classmethod
    def _office_document(cls, archive):
        for kind, path in cls._relations(archive, "").values():
            if kind == "officeDocument":
                return path
        return "xl/workbook.xml"

    def _shared_strings(self, archive, path):
        strings = []
        with archive.open(path) as source:
            for _event, element in iterparse(source, events=("end",)):
                if element.tag == self.tags["si"]:
                    strings.append(self._rich_text(element).strip())
                    element.clear()
        return strings

    @staticmethod
    def _date_styles(archive, path, namespace):
        """Indexes of the cell styles showing dates, and of those showing durations."""
        if not path or path not in archive.NameToInfo:
            return set(), set()
        styles = _XlsxBook._xml(archive, path)
        formats = dict(BUILTIN_FORMATS)
        for number_format in styles.iter(namespace + "numFmt"):
            formats[int(number_format.get("numFmtId", 0))] = number_format.get("formatCode", "")
        dates, durations = set(), set()
        cell_styles = styles.find(namespace + "cellXfs")
        for index, style in enumerate(cell_styles if cell_styles is not None else ()):
            code = formats.get(int(style.get("numFmtId", 0)))
            if is_timedelta_format(code):
                durations.add(index)
            elif is_date_format(code):
                dates.add(index)
        return dates, durations

    def _rich_text(self, element):
        """Text of a shared or inline string: its runs, without the phonetic guides."""
        if element.tag == self.tags["t"]:
            return element.text or ""
        return "".join(self._rich_text(child) for child in element if child.tag != self.tags["rPh"])


class _XlsxSheet:
    """A worksheet of an .xlsx/.xlsm file, its XML parsed as a stream."""

    def __init__(self, book, filename, sheet_name, path):
        self._book = book
        self.filename = filename
        self.sheet_name = sheet_name
        self._path = path
        self._scan = None

    def _open(self):
        archive = zipfile.ZipFile(io.BytesIO(self._book.content))
        return archive, archive.open(self._path)

    def _raw_scan(self):
        """One pass over the raw XML: whether it has formulas, and the merged ranges."""
        if self._scan is None:
            has_formula, merges, tail = False, set(), b""
            archive, source = self._open()
            with archive, source:
                while chunk := source.read(_SCAN_CHUNK):
                    data = tail + chunk
                    has_formula = has_formula or bool(_RAW_FORMULA.search(data))
                    merges.update(match.decode().upper() for match in _RAW_MERGE.findall(data))
                    tail = data[-_SCAN_OVERLAP:]
            self._scan = has_formula, merges
        return self._scan

    def merged_ranges(self, from_row):
        """Merged ranges (``"A5:A7"``) reaching row ``from_row`` or below, in sheet order."""
        found = []
        for ref in self._raw_scan()[1]:
            first, _sep, last = ref.partition(":")
            first_col, first_row = _COORDINATE.fullmatch(first).groups()
            last_col, last_row = _COORDINATE.fullmatch(last or first).groups()
            if first == (last or first) or int(last_row) < from_row:
                continue
            found.append((int(first_row), column_index_from_string(first_col), ref))
        return [ref for _row, _col, ref in sorted(found)]

    def uncalculated_formula(self, from_row):
        """The first cell at row ``from_row`` or below holding a formula without a saved value."""
        if not self._raw_scan()[0]:
            return None
        tags = self._book.tags
        for row_number, element in self._row_elements():
            if row_number < from_row:
                continue
            for cell in element.iter(tags["c"]):
                if cell.find(tags["f"]) is None:
                    continue
                value = cell.find(tags["v"])
                data_type = cell.get("t", "n")
                if value is None or (not value.text and data_type not in ("str", "s", "inlineStr")):
                    return cell.get("r") or f"{row_number}"
        return None

    def _row_elements(self):
        row_tag = self._book.tags["row"]
        archive, source = self._open()
        with archive, source:
            row_counter = 0
            try:
                for _event, element in iterparse(source, events=("end",)):
                    if element.tag != row_tag:
                        continue
                    number = element.get("r")
                    row_counter = int(number) if number else row_counter + 1
                    yield row_counter, element
                    element.clear()
            except (ParseError, zipfile.BadZipFile, zlib.error, EOFError, ValueError) as error:
                raise _corrupted(self.filename) from error

    def iter_rows(self):
        book = self._book
        cell_tag, value_tag, inline_tag, text_tag = (book.tags[name] for name in ("c", "v", "is", "t"))
        shared_strings, date_styles, duration_styles = (
            book.shared_strings,
            book.date_styles,
            book.duration_styles,
        )
        columns = {}
        for row_number, element in self._row_elements():
            cells = []
            for cell in element:
                if cell.tag != cell_tag:
                    continue
                ref = cell.get("r")
                if ref:
                    letters = ref.rstrip("0123456789")
                    column = columns.get(letters)
                    if column is None:
                        column = columns[letters] = column_index_from_string(letters) - 1
                    if column > len(cells):
                        cells.extend([""] * (column - len(cells)))
                data_type = cell.get("t")
                if data_type == "s":
                    value = cell.findtext(value_tag)
                    cells.append(shared_strings[int(value)] if value else "")
                elif data_type == "inlineStr":
                    inline = cell.find(inline_tag)
                    if inline is None:
                        cells.append("")
                    elif len(inline) == 1 and inline[0].tag == text_tag:  # the usual <is><t>...</t></is>
                        cells.append((inline[0].text or "").strip())
                    else:
                        cells.append(book._rich_text(inline).strip())
                elif data_type is None or data_type == "n":
                    value = cell.findtext(value_tag)
                    if not value:
                        cells.append("")
                        continue
                    style = int(cell.get("s", 0))
                    cells.append(self._number_text(value, style in date_styles, style in duration_styles))
                else:
                    cells.append(self._typed_text(data_type, cell.findtext(value_tag) or ""))
            if _trimmed(cells):
                yield row_number, cells

    def _number_text(self, value, is_date, is_duration):
        number = float(value) if ("." in value or "e" in value or "E" in value) else int(value)
        if is_date or is_duration:
            try:
                return _date_text(from_excel(number, self._book.epoch, timedelta=is_duration))
            except (OverflowError, ValueError):
                return value
        return cell_text(number)

    @staticmethod
    def _typed_text(data_type, value):
        if data_type == "b":
            return "TRUE" if value.strip() in ("1", "true") else "FALSE"
        if data_type == "d" and value:
            return _date_text(from_ISO8601(value))
        return value.strip()  # "str" (text result of a formula), "e" (error such as #N/A)

    def close(self):
        self._book.content = None


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


def _xlsx_sheets(content, filename):
    try:
        book = _XlsxBook(content, filename)
    except SpreadsheetError:
        raise
    except Exception as error:  # any failure of a parser fed with a damaged file
        raise _corrupted(filename) from error
    return [_XlsxSheet(book, filename, name, path) for name, path in book.sheets]


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
                "Save it as an Excel workbook (.xlsx or .xls) or as CSV (.csv) and upload it again.",
                filename=filename,
            )
        )
    if content.startswith(_ZIP_MAGIC):
        return _xlsx_sheets(content, filename)
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
    :param str filename: its name; the extension (.xlsx, .xlsm, .xls, .csv) must be one
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
