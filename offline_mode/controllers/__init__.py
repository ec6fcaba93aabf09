from . import main
from . import sync
