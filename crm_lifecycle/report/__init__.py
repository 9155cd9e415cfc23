from . import crm_lifecycle_funnel_report
from . import crm_pool_owner_report
