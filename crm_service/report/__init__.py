from . import crm_service_sla_report
from . import crm_complaint_report
from . import crm_equipment_fault_report
from . import crm_care_report
