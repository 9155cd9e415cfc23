"""Birthdays of the generated partners, for the care rules of crm_service (``--birthdays``).

Written set-based: one ``UPDATE`` per chunk of ``CHUNK_SIZE`` partner ids, committed per chunk
(an interrupted run keeps the chunks it finished; a re-run skips partners that have a
birthday). Which partners get one, and the day, come from the hash of the partner's ``ref``
and ``--seed``: the same seed gives the same birthdays, and the other generated records do
not change.
"""

from .database import say

CHUNK_SIZE = 50_000
#: birthdays between 1950-01-01 and the end of 2004 (20,089 days)
FIRST_BIRTHDAY = "1950-01-01"
BIRTHDAY_DAYS = 20_089


def generate_birthdays(db, args):
    """A ``crm_birthday`` for a share ``args.birthdays`` of the generated partners (prefix
    ``args.prefix``) that have none; nothing when crm_service is not installed."""
    if "crm_birthday" not in db.columns("res_partner"):
        say("no crm_birthday column (crm_service not installed): no birthdays written")
        return 0
    rows = db.fetchall("SELECT min(id), max(id) FROM res_partner WHERE ref LIKE %s", (f"{args.prefix}-%",))
    low, high = rows[0]
    if low is None:
        return 0
    written = 0
    # the share as a threshold on a 32-bit hash
    threshold = int(args.birthdays * 0xFFFFFFFF)
    for first in range(low, high + 1, CHUNK_SIZE):
        db.cr.execute(
            """
            UPDATE res_partner
               SET crm_birthday = DATE %(first_day)s
                                  + (('x' || substr(md5(%(seed)s || '/day/' || ref), 1, 8))::bit(32)::bigint
                                     %% %(days)s)::int
             WHERE id BETWEEN %(low)s AND %(high)s
               AND ref LIKE %(pattern)s
               AND crm_birthday IS NULL
               AND ('x' || substr(md5(%(seed)s || '/share/' || ref), 1, 8))::bit(32)::bigint < %(threshold)s
            """,
            {
                "first_day": FIRST_BIRTHDAY,
                "seed": str(args.seed),
                "days": BIRTHDAY_DAYS,
                "low": first,
                "high": first + CHUNK_SIZE - 1,
                "pattern": f"{args.prefix}-%",
                "threshold": threshold,
            },
        )
        written += db.cr.rowcount
        db.commit()
    say(f"birthdays: {written:,} partners")
    return written
