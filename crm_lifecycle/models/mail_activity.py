from odoo import models

from .crm_internal import ACTIVITIES_DONE, marked


class MailActivity(models.Model):
    _inherit = "mail.activity"

    def _action_done(self, feedback=False, attachment_ids=None):
        # Marking an activity done posts a message, a contact that removes the customer's stale
        # follow-up and warning activities: never the ones being done, which Odoo removes itself
        # right after (deleting them first breaks "Mark Done").
        with marked(self, ACTIVITIES_DONE):
            return super()._action_done(feedback=feedback, attachment_ids=attachment_ids)
