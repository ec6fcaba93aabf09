from . import ir_actions_act_window
from . import ir_config_parameter
from . import ir_http
from . import res_config_settings
from . import offline_change
from . import offline_user_key
from . import res_users
from . import base
