from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """Upgrading from 18.0.1.0.0: the customers already followed enter their pools."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["crm.pool"]._init_ownership()
