from . import crm_complaint_ask_expert
from . import crm_care_event_done
