from . import main
from . import offline_key
from . import sync
