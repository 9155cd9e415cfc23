from . import test_install
from . import test_sla_working_hours
