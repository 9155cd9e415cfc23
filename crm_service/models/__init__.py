from . import res_company
from . import res_config_settings
from . import crm_sla_policy
from . import crm_sla_escalation
from . import crm_complaint_sla_line
from . import crm_complaint_sla
