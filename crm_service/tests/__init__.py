from . import test_install
from . import test_complaint
from . import test_assignment
from . import test_access_service
from . import test_sla_working_hours
from . import test_sla_rules
from . import test_sla_cron
from . import test_sla_access
