from odoo.tools import SQL


def migrate(cr, version):
    """Upgrading from 18.0.1.1.0: the preview of an import is no longer stored as HTML (it is
    rendered, escaped, from ``preview_data`` when read). The stored previews held the cells of
    the uploaded files unsanitised: drop them rather than leave them in the database. An import
    waiting at its preview shows it again after "Preview Again"."""
    cr.execute(SQL("ALTER TABLE crm_customer_import DROP COLUMN IF EXISTS preview_html"))
