"""``res.partner``: create() and write() dispatch into the concerns of this addon.

One file per concern extends ``res.partner``:

* ``res_partner_lifecycle.py``: lifecycle stage, automatic moves, the timeline;
* ``res_partner_ownership.py``: ownership and the public pool (claim, release, assign, lock, limits);
* ``res_partner_followup.py``: contacts, the follow-up schedule and the crons
  (their SQL lives next to the pool's schedule, in ``crm_pool_schedule.py``);
* ``res_partner_duplicate.py``: the duplicate-check hooks (``crm.duplicate.mixin``).
"""

from odoo import api, models
from odoo.exceptions import AccessError

from .crm_internal import PARTNER_MERGE, is_marked

# The bookkeeping of ownership and follow-up: written by the actions (claim, release, assign,
# lock) and the crons, which write it as superuser after checking their rules. A user's plain
# write() or create() never sets it, whatever the context.
CRM_BOOKKEEPING_FIELDS = (
    "crm_pool_state",
    "crm_locked",
    "owner_since",
    "last_contact_date",
    "next_followup_date",
    "ownership_deadline",
    "crm_release_rule",
    "crm_release_days",
    "previous_owner_id",
    "crm_released_date",
    "crm_released_by_id",
    "crm_release_reason",
    "crm_warned_date",
)


# one concern per file, by design (issue 11): see res_partner.py's docstring
class ResPartner(models.Model):
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    @api.model_create_multi
    def create(self, vals_list):
        # the caller's dicts stay as they were: load() retries failed rows with them
        vals_list = [dict(vals) for vals in vals_list]
        for vals in vals_list:
            self.browse()._crm_check_bookkeeping(vals)
        bypass_reasons = self._crm_duplicate_pop_bypass_reasons(vals_list)
        self._crm_lifecycle_prepare_create(vals_list)
        self._crm_ownership_prepare_create(vals_list)
        partners = super().create(vals_list)
        partners._crm_check_created_owners()
        partners._crm_lifecycle_after_create()
        partners._crm_init_ownership()
        partners._crm_duplicate_check(dict(zip(partners.ids, bypass_reasons, strict=True)))
        return partners

    def write(self, vals):
        if is_marked(self, PARTNER_MERGE):
            # a merge copies the merged partners' fields: the surviving customer keeps its own
            vals = {key: value for key, value in vals.items() if key not in CRM_BOOKKEEPING_FIELDS}
        self._crm_check_bookkeeping(vals)
        self._crm_check_pool_move(vals)
        changing = self._crm_owner_changes(vals)
        if changing:
            return self._crm_write_owner_change(changing, vals)
        vals, duplicate_watch = self._crm_duplicate_watch(vals)
        vals = self._crm_owner_since_vals(vals)
        moving = self._crm_stage_moved_by_hand(vals)
        if moving:
            # the stage of a followed customer moves by its rules; the rest is written as asked
            rest = {key: value for key, value in vals.items() if key != "lifecycle_stage_id"}
            result = True
            if self - moving:
                result = super(ResPartner, self - moving).write(vals)
            if rest:
                result = super(ResPartner, moving).write(rest)
            moving._crm_move_by_hand(vals["lifecycle_stage_id"])
        else:
            result = super().write(vals)
        self._crm_duplicate_check_write(duplicate_watch)
        if {"crm_followup_days", "crm_pool_id", "crm_locked"} & set(vals):
            self._crm_refresh_schedule(partners=self)
        return result

    def _crm_check_bookkeeping(self, vals):
        """Refuse a user's write of the ownership bookkeeping: the actions are the only way."""
        if self.env.su:
            return
        written = [name for name in CRM_BOOKKEEPING_FIELDS if name in vals]
        if written:
            raise AccessError(
                self.env._(
                    "%(fields)s of a customer are kept by the ownership actions (Claim, Release, "
                    "Assign, Lock, Log a Call) and the pool's rules; they cannot be written by hand.",
                    fields=", ".join(self._fields[name]._description_string(self.env) for name in written),
                )
            )
