"""Values in the text format of PostgreSQL's ``COPY``.

Pure Python, without Odoo imports: the import writes its rows with it, and
the data generator (``data/crm_generate/database.py``) loads this file by path.
"""

import re

_SPECIAL = re.compile(r"[\\\t\n\r]")
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
NULL = "\\N"


def copy_text(value):
    """``value`` (a column value: text, number, boolean, date, datetime, None, or psycopg2's
    ``Json``) as a field of a ``COPY`` line: backslashes, tabs and new lines escaped."""
    if type(value) is str:  # most values: no other test
        return value.translate(_ESCAPES) if _SPECIAL.search(value) else value
    if value is None:
        return NULL
    if value is True or value is False:
        return "t" if value else "f"
    adapted = getattr(value, "adapted", None)  # psycopg2.extras.Json: its object as JSON text
    if adapted is not None:
        value = value.dumps(adapted)
    text = str(value)  # dates and datetimes: ISO, with a space before the time
    return text.translate(_ESCAPES) if _SPECIAL.search(text) else text


def copy_line(values):
    """The ``values`` of one row as a ``COPY`` line (without its line end): ``copy_text`` of
    each, with the common cases (plain texts, NULL) inline, as a million values cost."""
    search = _SPECIAL.search
    return "\t".join(
        [
            NULL if value is None else value if type(value) is str and not search(value) else copy_text(value)
            for value in values
        ]
    )
