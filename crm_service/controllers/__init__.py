from . import portal
from . import portal_suggestion
from . import portal_equipment
