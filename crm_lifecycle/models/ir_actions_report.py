from odoo import models

# The documents a salesperson prints for a customer another salesperson may own.
CRM_DOCUMENT_MODELS = ("sale.order", "account.move", "crm.lead")


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _render_qweb_html(self, report_ref, docids, data=None):
        report = self._get_report(report_ref)
        if self.env.su or not docids or report.model not in CRM_DOCUMENT_MODELS:
            return super()._render_qweb_html(report_ref, docids, data)
        # who may read the documents prints them: checked here, with the user's rights
        self.env[report.model].browse(docids).check_access("read")
        # sudo: the customer's name, address and contacts printed on a document come with the
        # document the user may read, whoever owns the customer; the record rules keep hiding
        # the customer itself (its form, its other data) from a user who does not own it
        return super(IrActionsReport, self.sudo())._render_qweb_html(report_ref, docids, data)
