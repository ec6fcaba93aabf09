"""The server side of offline sync: plain Python over an Odoo environment.

:mod:`.change` defines what a sync request carries, :mod:`.values` checks the
values of a change against its model, :mod:`.conflicts` finds what someone else
changed meanwhile, :mod:`.engine` applies a batch exactly once, and
:mod:`.ledger` keeps what became of each change.
"""
from .change import MAX_REQUEST_BYTES
from .engine import SyncEngine
from .errors import BatchRefused

__all__ = ["MAX_REQUEST_BYTES", "BatchRefused", "SyncEngine"]
