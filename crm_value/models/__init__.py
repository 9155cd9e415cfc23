from . import res_company
from . import res_config_settings
from . import crm_value_score
from . import crm_value_snapshot
from . import crm_value_benefit
from . import crm_value_rfm_segment
from . import crm_value_clv_model
from . import crm_value_service_tier
