from . import test_access
from . import test_value_engine
from . import test_benefit_index
from . import test_benefit_access
from . import test_pool_value
from . import test_snapshot
