from odoo.tools import SQL

from .models.crm_duplicate_mixin import LOOKUP_FUNCTION_SIGNATURE


def post_init_hook(env):
    """Give the customers of an existing database the stage their documents imply."""
    env["crm.partner.event"]._set_initial_stages()
    env["crm.pool"]._init_ownership()


def uninstall_hook(env):
    """Drop the SQL function of the duplicate lookup (the ORM drops the tables and columns),
    and let go of the stages first: partners and events point at them with ON DELETE
    RESTRICT, which would make the removal of the stage records fail one by one."""
    env.cr.execute(SQL("DROP FUNCTION IF EXISTS %s", SQL(LOOKUP_FUNCTION_SIGNATURE)))
    env.cr.execute(
        SQL("UPDATE res_partner SET lifecycle_stage_id = NULL WHERE lifecycle_stage_id IS NOT NULL")
    )
    env.cr.execute(SQL("DELETE FROM crm_partner_event"))
