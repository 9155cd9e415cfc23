from . import crm_complaint_ask_expert
from . import crm_suggestion_log
from . import crm_suggestion_merge
from . import crm_care_event_done
