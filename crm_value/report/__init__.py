from . import crm_value_churn_report
