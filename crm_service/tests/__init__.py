from . import test_install
from . import test_complaint
from . import test_assignment
