from . import crm_lifecycle_stage_change
from . import crm_customer_check
