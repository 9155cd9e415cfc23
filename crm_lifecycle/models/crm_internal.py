"""Marks of the writes this addon makes itself, kept on the cursor for the transaction.

The ownership actions and automatic stage moves check their rules, then write the bookkeeping
through ``write()``; ``write()`` must not dispatch those writes into the same rules again. A
context key would say so, but a client can send any context key: these marks live on the
database cursor, which no request can reach.
"""

from contextlib import contextmanager

# the partners whose stage the system writes (their move was checked: _crm_set_stage)
STAGE_WRITE = "crm_lifecycle.stage_write"
# the partners whose owner the system writes (claim, release, assign: _crm_set_owner, _crm_release)
OWNER_WRITE = "crm_lifecycle.owner_write"
# the partners a merge (base.partner.merge) writes into: the surviving customer keeps its ownership
PARTNER_MERGE = "crm_lifecycle.partner_merge"
# the leads crm.lead._merge_opportunity merges: they match each other without refusal
LEAD_MERGE = "crm_lifecycle.lead_merge"
# the partners whose schedule the caller refreshes once it is done (_crm_set_stage)
SCHEDULE_LATER = "crm_lifecycle.schedule_later"
# the activities being marked done: the contact they make does not delete them first
ACTIVITIES_DONE = "crm_lifecycle.activities_done"


@contextmanager
def marked(records, mark):
    """Mark ``records`` with ``mark`` while the block runs."""
    ids = records.env.cr.cache.setdefault(mark, set())
    added = set(records.ids) - ids
    ids |= added
    try:
        yield
    finally:
        ids -= added


def is_marked(records, mark):
    """Whether every record of ``records`` (at least one) is marked with ``mark``."""
    ids = records.env.cr.cache.get(mark)
    return bool(ids and records.ids) and ids.issuperset(records.ids)


def marked_ids(env, mark):
    return set(env.cr.cache.get(mark, ()))


# the leads whose lifecycle effects (claim, stage) wait for the end of a conversion: Odoo's
# conversion wizards convert and write leads one at a time; the customers are claimed and moved
# once for all of them (crm.lead2opportunity.partner._convert_and_allocate)
LEAD_HOOKS_LATER = "crm_lifecycle.lead_hooks_later"


@contextmanager
def collecting(env, mark):
    """Collect in a set the ids that ``defer(records, mark)`` receives while the block runs.

    Nested blocks share the outermost block's set; the set is yielded to the outermost block
    only (inner blocks get None: the outer one handles everything)."""
    if mark in env.cr.cache:
        yield None
        return
    ids = env.cr.cache[mark] = set()
    try:
        yield ids
    finally:
        env.cr.cache.pop(mark, None)


def defer(records, mark):
    """Add ``records`` to the collecting block of ``mark`` if one runs. Whether they were added."""
    ids = records.env.cr.cache.get(mark)
    if ids is None:
        return False
    ids.update(records.ids)
    return True
