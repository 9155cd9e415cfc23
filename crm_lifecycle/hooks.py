from odoo.tools import SQL

from .models.crm_duplicate_mixin import LOOKUP_FUNCTION_SIGNATURE


def post_init_hook(env):
    """Give the customers of an existing database the stage their documents imply.

    With demo data, the demo first gets its past (demo/demo_history.py). The hook runs after
    the module's data and demo files, in their transaction; the module's ``demo`` flag is set
    by then, False when the demo data was not loaded or failed to load.
    """
    if env.ref("base.module_crm_lifecycle").demo:
        # imported here: production code never loads the demo's
        from .demo import demo_history

        demo_history.load(env)
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
