from . import test_install
from . import test_complaint
from . import test_assignment
from . import test_access_service
from . import test_mail_intake
from . import test_service_tours
from . import test_portal
