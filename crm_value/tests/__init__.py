from . import test_access
from . import test_clv
from . import test_clv_apply
