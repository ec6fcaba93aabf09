from . import test_data_caching
from . import test_settings
from . import test_js
