from . import test_access
from . import test_value_engine
from . import test_value_screens
from . import test_value_tours
from . import test_value_screens_recompute
