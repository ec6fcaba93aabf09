from collections import namedtuple

from odoo import _, api, models
from odoo.exceptions import ValidationError
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)

CONFLICT_POLICY_SELECTION = [("ask", "Ask the user"), ("last_write_wins", "Last write wins")]


def _parse_bool(value):
    value = value.strip().lower()
    if value not in ("true", "false"):
        raise ValueError
    return value == "true"


def _parse_int(minimum):
    def parse(value):
        number = int(value.strip())
        if number < minimum:
            raise ValueError
        return number
    return parse


def _parse_policy(value):
    if value.strip() not in dict(CONFLICT_POLICY_SELECTION):
        raise ValueError
    return value.strip()


Parameter = namedtuple("Parameter", "key default parse label expected")

# The offline mode settings, named as the web client receives them and stored as
# the system parameters "offline_mode.<name>": the single place that says which
# exist, their default and what a valid value is.
OFFLINE_PARAMETERS = {
    name: Parameter(f"offline_mode.{name}", default, parse, label, expected)
    for name, default, parse, label, expected in [
        ("enabled", True, _parse_bool,
         _lt("Offline mode"), _lt("True or False")),
        ("storage_cap_mb", 2048, _parse_int(1),
         _lt("Offline storage cap (MB)"), _lt("a whole number of megabytes, at least 1")),
        ("cache_expiry_days", 0, _parse_int(0),
         _lt("Cached data expiry (days)"), _lt("a whole number of days, 0 or more (0 keeps data until evicted)")),
        ("conflict_policy", "ask", _parse_policy,
         _lt("Conflict handling"), _lt("'ask' or 'last_write_wins'")),
        ("max_batch", 500, _parse_int(1),
         _lt("Largest sync batch"), _lt("a whole number of changes, at least 1")),
        ("require_unlock", True, _parse_bool,
         _lt("Unlock offline data after a browser restart"), _lt("True or False")),
        ("ledger_retention_days", 30, _parse_int(1),
         _lt("Offline change history (days)"), _lt("a whole number of days, at least 1")),
    ]
}
_PARAMETERS_BY_KEY = {parameter.key: parameter for parameter in OFFLINE_PARAMETERS.values()}


class IrConfigParameter(models.Model):
    _inherit = "ir.config_parameter"

    @api.constrains("key", "value")
    def _check_offline_mode_value(self):
        for record in self:
            parameter = _PARAMETERS_BY_KEY.get(record.key)
            if not parameter:
                continue
            try:
                parameter.parse(record.value or "")
            except ValueError:
                raise ValidationError(_(
                    "%(setting)s must be %(expected)s, not “%(value)s” (system parameter %(key)s).",
                    setting=parameter.label, expected=parameter.expected,
                    value=record.value, key=record.key,
                )) from None

    @api.model
    def _get_offline_mode_config(self):
        """The offline mode settings by name, with defaults for those never set."""
        config = {}
        for name, parameter in OFFLINE_PARAMETERS.items():
            value = self.sudo().get_param(parameter.key)
            config[name] = parameter.default if value is False else parameter.parse(value)
        return config

    @api.model
    def _set_offline_mode_value(self, name, value):
        # Stored as text even when false or zero: set_param deletes a parameter set
        # to False, and reading it back would then give the default.
        self.sudo().set_param(OFFLINE_PARAMETERS[name].key, str(value))
