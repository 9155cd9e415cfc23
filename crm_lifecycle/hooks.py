from odoo.tools import SQL

from .models.crm_duplicate_mixin import LOOKUP_FUNCTION_SIGNATURE


def post_init_hook(env):
    """Give the customers of an existing database the stage their documents imply."""
    env["crm.partner.event"]._set_initial_stages()


def uninstall_hook(env):
    """Drop the SQL function of the duplicate lookup (the ORM drops the tables and columns)."""
    env.cr.execute(SQL("DROP FUNCTION IF EXISTS %s", SQL(LOOKUP_FUNCTION_SIGNATURE)))
