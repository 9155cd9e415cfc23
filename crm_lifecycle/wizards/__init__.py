from . import crm_lifecycle_stage_change
from . import crm_customer_check
from . import crm_pool_release
from . import crm_pool_assign
from . import crm_contact_log
from . import crm_customer_import
from . import base_partner_merge
from . import crm_lead_to_opportunity
