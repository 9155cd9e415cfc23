"""Spreadsheet files built in memory for the import tests.

- :func:`xlsx_file`, :func:`xls_file`, :func:`csv_file`: ordinary files from rows of values.
- :func:`xlsx_with_values`: saves the value of formulas as Excel does (openpyxl never does).
- :func:`ods_file`: an OpenDocument spreadsheet written by hand (zip and XML), as LibreOffice
  writes its cells, merged ranges and formulas.
- :func:`compound_file`: a minimal OLE2 compound file (the container of .xls files and of
  encrypted .xlsx files), used by :func:`encrypted_xlsx_file` and :func:`encrypted_xls_file`.
"""

import csv
import datetime
import hashlib
import io
import re
import struct
import zipfile
from xml.sax.saxutils import escape, quoteattr

import openpyxl
import xlwt

# ---------------------------------------------------------------------------
# Ordinary files
# ---------------------------------------------------------------------------


def xlsx_file(rows, *, title="Customers", merged=(), sheets_before=(), hidden_sheets=()):
    """An .xlsx file whose first visible (and active) sheet holds ``rows``.

    :param rows: lists of values (str, int, float, date, datetime, bool, None, "=formula")
    :param merged: ranges to merge, e.g. ``("A5:A7",)``
    :param sheets_before: ``(title, rows)`` of sheets placed before, the first one active
    :param hidden_sheets: ``(title, rows)`` of hidden sheets placed before
    """
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for sheet_title, sheet_rows in hidden_sheets:
        sheet = workbook.create_sheet(sheet_title)
        sheet.sheet_state = "hidden"
        _fill(sheet, sheet_rows)
    for sheet_title, sheet_rows in sheets_before:
        _fill(workbook.create_sheet(sheet_title), sheet_rows)
    sheet = workbook.create_sheet(title)
    _fill(sheet, rows)
    for cell_range in merged:
        sheet.merge_cells(cell_range)
    workbook.active = len(hidden_sheets) if sheets_before else workbook.sheetnames.index(title)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _fill(sheet, rows):
    for row in rows:
        sheet.append(list(row))


def xlsx_with_values(content, values):
    """``content`` with the value of formula cells saved, as Excel saves them.

    :param values: ``{"C3": "84"}``: the number (or text, as ``("str", "text")``) of each cell
    """
    source = zipfile.ZipFile(io.BytesIO(content))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                text = data.decode()
                for ref, value in values.items():
                    data_type, value = value if isinstance(value, tuple) else ("n", value)
                    pattern = re.compile(rf'<c r="{ref}"([^>]*)><f>([^<]*)</f><v\s*(?:/>|></v>)')
                    replacement = rf'<c r="{ref}"\1 t="{data_type}"><f>\2</f><v>{value}</v>'
                    text = pattern.sub(replacement, text)
                data = text.encode()
            target.writestr(item, data)
    return output.getvalue()


_XLS_DATE = xlwt.easyxf(num_format_str="YYYY-MM-DD")
_XLS_DATETIME = xlwt.easyxf(num_format_str="YYYY-MM-DD HH:MM:SS")


def _xls_workbook(rows, merged=()):
    workbook = xlwt.Workbook(encoding="utf-8")
    sheet = workbook.add_sheet("客户", cell_overwrite_ok=True)
    covered = set()  # cells under a merged range but its first one: xlwt writes them blank
    for first_row, last_row, first_col, last_col in merged:
        sheet.merge(first_row, last_row, first_col, last_col)
        covered.update(
            (row, col) for row in range(first_row, last_row + 1) for col in range(first_col, last_col + 1)
        )
        covered.discard((first_row, first_col))
    for row_index, row in enumerate(rows):
        for col_index, value in enumerate(row):
            if value is None:
                continue
            if (row_index, col_index) in covered:
                continue
            if hasattr(value, "hour"):
                sheet.write(row_index, col_index, value, _XLS_DATETIME)
            elif hasattr(value, "year"):
                sheet.write(row_index, col_index, value, _XLS_DATE)
            else:
                sheet.write(row_index, col_index, value)
    return workbook


def xls_file(rows, merged=()):
    """An .xls file (BIFF8, xlwt) of one sheet holding ``rows``.

    :param merged: ``(first_row, last_row, first_col, last_col)`` 0-based and inclusive
    """
    output = io.BytesIO()
    _xls_workbook(rows, merged).save(output)
    return output.getvalue()


def csv_file(rows, *, delimiter=",", encoding="utf-8"):
    text = io.StringIO(newline="")
    csv.writer(text, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return text.getvalue().encode(encoding)


# ---------------------------------------------------------------------------
# OpenDocument spreadsheets (.ods)
# ---------------------------------------------------------------------------

ODS_MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
_ODS_NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"'
)


def _cell_position(ref):
    """0-based (row, column) of a cell reference such as ``"C5"``."""
    letters, digits = re.fullmatch(r"([A-Z]+)(\d+)", ref).groups()
    column = 0
    for letter in letters:
        column = column * 26 + ord(letter) - ord("A") + 1
    return int(digits) - 1, column - 1


def _ods_cell(value, attributes=""):
    if value is None or value == "":
        return f"<table:table-cell{attributes}/>"
    if isinstance(value, tuple):  # (formula, saved value or None)
        formula, saved = value
        attributes += f" table:formula={quoteattr('of:' + formula)}"
        return _ods_cell(saved, attributes) if saved is not None else f"<table:table-cell{attributes}/>"
    if isinstance(value, bool):
        typed = f'office:value-type="boolean" office:boolean-value="{str(value).lower()}"'
    elif isinstance(value, int | float):
        typed = f'office:value-type="float" office:value="{value!r}"'
    elif isinstance(value, datetime.date):
        typed = f'office:value-type="date" office:date-value="{value.isoformat()}"'
    else:
        typed = 'office:value-type="string"'
    return f"<table:table-cell{attributes} {typed}><text:p>{escape(str(value))}</text:p></table:table-cell>"


def _ods_table(title, rows, merged):
    spans, covered = {}, set()
    for cell_range in merged:
        first, _sep, last = cell_range.partition(":")
        (top, left), (bottom, right) = _cell_position(first), _cell_position(last or first)
        spans[top, left] = (bottom - top + 1, right - left + 1)
        covered.update((row, col) for row in range(top, bottom + 1) for col in range(left, right + 1))
        covered.discard((top, left))
    height = max([len(rows)] + [row + 1 for row, _col in covered])
    xml = [f"<table:table table:name={quoteattr(title)}>"]
    for row_index in range(height):
        values = list(rows[row_index]) if row_index < len(rows) else []
        width = max([len(values)] + [col + 1 for row, col in covered if row == row_index])
        cells = []
        for col_index in range(width):
            if (row_index, col_index) in covered:
                cells.append("<table:covered-table-cell/>")
                continue
            value = values[col_index] if col_index < len(values) else None
            span = spans.get((row_index, col_index))
            attributes = (
                f' table:number-rows-spanned="{span[0]}" table:number-columns-spanned="{span[1]}"'
                if span
                else ""
            )
            cells.append(_ods_cell(value, attributes))
        xml.append(f"<table:table-row>{''.join(cells) or '<table:table-cell/>'}</table:table-row>")
    xml.append("</table:table>")
    return "".join(xml)


def ods_file(rows, *, title="Customers", merged=(), sheets_before=(), encrypted=False):
    """An .ods file whose last sheet holds ``rows``.

    :param rows: lists of values (str, int, float, date, datetime, bool, None, or
        ``("=formula", saved value)``, the saved value ``None`` for a formula never calculated)
    :param merged: ranges to merge, e.g. ``("A5:A7",)``: the first cell spans them, the others
        are covered cells
    :param sheets_before: ``(title, rows)`` of sheets placed before
    :param encrypted: the manifest describes the content as encrypted, as LibreOffice writes
        a file saved with a password (the content itself is left readable)
    """
    tables = [_ods_table(name, sheet_rows, ()) for name, sheet_rows in sheets_before]
    tables.append(_ods_table(title, rows, merged))
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODS_NAMESPACES}>'
        f"<office:body><office:spreadsheet>{''.join(tables)}</office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    encryption = (
        '<manifest:encryption-data manifest:checksum-type="SHA1/1K" manifest:checksum="AAAA">'
        '<manifest:algorithm manifest:algorithm-name="Blowfish CFB" manifest:initialisation-vector="AAAA"/>'
        "</manifest:encryption-data>"
        if encrypted
        else ""
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{ODS_MIMETYPE}"/>'
        f'<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml">{encryption}'
        "</manifest:file-entry></manifest:manifest>"
    )
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        # the mimetype first and stored, as the OpenDocument format requires
        archive.writestr(zipfile.ZipInfo("mimetype", (2025, 1, 1, 0, 0, 0)), ODS_MIMETYPE, zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", manifest)
        archive.writestr("content.xml", content)
    return output.getvalue()


# ---------------------------------------------------------------------------
# OLE2 compound files ([MS-CFB] version 3: 512-byte sectors, 64-byte mini sectors)
# ---------------------------------------------------------------------------

_SECTOR = 512
_MINI_SECTOR = 64
_MINI_CUTOFF = 4096
_FREE = 0xFFFFFFFF
_END_OF_CHAIN = 0xFFFFFFFE
_FAT_SECTOR = 0xFFFFFFFD
_NO_STREAM = 0xFFFFFFFF
_ENTRY = struct.Struct("<64sHBBIII16sIQQIQ")  # one 128-byte directory entry


def _directory_entry(name, entry_type, start, size, child=_NO_STREAM, right=_NO_STREAM):
    encoded = (name + "\0").encode("utf-16-le")
    return _ENTRY.pack(
        encoded, len(encoded), entry_type, 1, _NO_STREAM, right, child, b"", 0, 0, 0, start, size
    )


def compound_file(streams):
    """A compound file holding ``streams`` ({name: bytes}) at its root.

    Streams under 4,096 bytes live in the mini stream, the others in ordinary sectors,
    as Office writes them. The directory is a chain of right siblings, sorted as the
    format requires (by name length, then by upper-case name).
    """
    sectors, fat = [], []

    def add_chain(data):
        if not data:
            return _END_OF_CHAIN
        start = len(sectors)
        count = -(-len(data) // _SECTOR)
        for index in range(count):
            sectors.append(data[index * _SECTOR : (index + 1) * _SECTOR].ljust(_SECTOR, b"\0"))
            fat.append(start + index + 1 if index < count - 1 else _END_OF_CHAIN)
        return start

    names = sorted(streams, key=lambda name: (len(name), name.upper()))
    mini_stream, mini_fat, placed = b"", [], []
    for name in names:
        data = streams[name]
        if len(data) >= _MINI_CUTOFF:
            placed.append((name, add_chain(data), len(data)))
            continue
        start = len(mini_stream) // _MINI_SECTOR
        count = max(1, -(-len(data) // _MINI_SECTOR))
        mini_stream += data.ljust(count * _MINI_SECTOR, b"\0")
        mini_fat += [start + index + 1 if index < count - 1 else _END_OF_CHAIN for index in range(count)]
        placed.append((name, start, len(data)))
    root_start = add_chain(mini_stream)
    mini_fat_data = b"".join(struct.pack("<I", entry) for entry in mini_fat)
    mini_fat_sectors = -(-len(mini_fat_data) // _SECTOR)
    mini_fat_start = add_chain(mini_fat_data.ljust(mini_fat_sectors * _SECTOR, b"\xff"))

    entries = [
        _directory_entry("Root Entry", 5, root_start, len(mini_stream), child=1 if placed else _NO_STREAM)
    ]
    for index, (name, start, size) in enumerate(placed, start=1):
        right = index + 1 if index < len(placed) else _NO_STREAM
        entries.append(_directory_entry(name, 2, start, size, right=right))
    while len(entries) % (_SECTOR // _ENTRY.size):
        entries.append(_ENTRY.pack(b"", 0, 0, 0, _NO_STREAM, _NO_STREAM, _NO_STREAM, b"", 0, 0, 0, 0, 0))
    directory_start = add_chain(b"".join(entries))

    fat_count = 1
    while (len(sectors) + fat_count) > fat_count * (_SECTOR // 4):
        fat_count += 1
    if fat_count > 109:
        raise ValueError("compound_file() writes files up to 109 FAT sectors (about 6.8 MB)")
    fat_start = len(sectors)
    fat += [_FAT_SECTOR] * fat_count
    fat += [_FREE] * (fat_count * (_SECTOR // 4) - len(fat))
    fat_data = b"".join(struct.pack("<I", entry) for entry in fat)
    sectors += [fat_data[index * _SECTOR : (index + 1) * _SECTOR] for index in range(fat_count)]

    difat = [fat_start + index for index in range(fat_count)] + [_FREE] * (109 - fat_count)
    header = b"".join(
        [
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",  # signature
            b"\0" * 16,  # class id
            struct.pack("<HHHHH", 0x003E, 3, 0xFFFE, 9, 6),  # versions, byte order, sector shifts
            b"\0" * 6,
            struct.pack(
                "<IIIIIIIII",
                0,
                fat_count,
                directory_start,
                0,
                _MINI_CUTOFF,
                mini_fat_start,
                mini_fat_sectors,
                _END_OF_CHAIN,
                0,
            ),
            struct.pack("<109I", *difat),
        ]
    )
    return header + b"".join(sectors)


def _pseudo_random(size, seed):
    blocks = []
    counter = 0
    while sum(len(block) for block in blocks) < size:
        blocks.append(hashlib.sha256(f"{seed}:{counter}".encode()).digest())
        counter += 1
    return b"".join(blocks)[:size]


_ENCRYPTION_INFO_XML = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
    b'<encryption xmlns="http://schemas.microsoft.com/office/2006/encryption" '
    b'xmlns:p="http://schemas.microsoft.com/office/2006/keyEncryptor/password">'
    b'<keyData saltSize="16" blockSize="16" keyBits="256" hashSize="64" cipherAlgorithm="AES" '
    b'cipherChaining="ChainingModeCBC" hashAlgorithm="SHA512" saltValue="c2FsdHNhbHRzYWx0c2FsdA=="/>'
    b'<keyEncryptors><keyEncryptor uri="http://schemas.microsoft.com/office/2006/keyEncryptor/password">'
    b'<p:encryptedKey spinCount="100000" saltSize="16" blockSize="16" keyBits="256" hashSize="64" '
    b'cipherAlgorithm="AES" cipherChaining="ChainingModeCBC" hashAlgorithm="SHA512"/>'
    b"</keyEncryptor></keyEncryptors></encryption>"
)


def encrypted_xlsx_file(package_size=6000):
    """What Office writes for an .xlsx saved with a password: a compound file holding the
    streams "EncryptionInfo" (agile encryption, version 4.4) and "EncryptedPackage" (the
    size of the zip, then its encrypted bytes)."""
    return compound_file(
        {
            "EncryptionInfo": struct.pack("<HHI", 4, 4, 0x40) + _ENCRYPTION_INFO_XML,
            "EncryptedPackage": struct.pack("<Q", package_size) + _pseudo_random(package_size, "package"),
        }
    )


_BIFF_BOF = 0x0809
_BIFF_FILEPASS = 0x002F


def xls_biff_stream(rows):
    """The "Workbook" stream (BIFF8 records) of an .xls file holding ``rows``."""
    return _xls_workbook(rows).get_biff_data()


def encrypted_xls_file(rows):
    """An .xls "protected by a password": its workbook stream starts with a FILEPASS record
    (RC4 encryption) right after the first BOF record, as Excel writes it."""
    biff = xls_biff_stream(rows)
    record_type, length = struct.unpack_from("<HH", biff, 0)
    assert record_type == _BIFF_BOF
    bof_end = 4 + length
    filepass_data = struct.pack("<HHH", 1, 1, 1) + _pseudo_random(48, "filepass")
    filepass = struct.pack("<HH", _BIFF_FILEPASS, len(filepass_data)) + filepass_data
    # The BOUNDSHEET records hold the offset of each sheet's BOF: shift them past the new record.
    stream = bytearray(biff[:bof_end] + filepass + biff[bof_end:])
    shift, position = len(filepass), bof_end + len(filepass)
    while position < len(stream):
        record_type, length = struct.unpack_from("<HH", stream, position)
        if record_type == 0x0085:  # BOUNDSHEET
            (offset,) = struct.unpack_from("<I", stream, position + 4)
            struct.pack_into("<I", stream, position + 4, offset + shift)
        if record_type == 0x000A:  # EOF of the globals
            break
        position += 4 + length
    return compound_file({"Workbook": bytes(stream)})
