from . import test_access
from . import test_lifecycle_stage
from . import test_funnel_report
from . import test_talk_script
from . import test_cost_guard
from . import test_normalize
from . import test_duplicate
