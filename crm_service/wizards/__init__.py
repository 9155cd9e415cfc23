from . import crm_complaint_ask_expert
