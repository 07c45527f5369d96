"""The carrier adapters by code (``Carrier.adapter`` names one): ``sandbox``, the embedded
default that needs no network, and ``tracker``, an AfterShip-style tracking aggregator."""

from .base import Adapter
from .sandbox import SandboxAdapter
from .tracker import TrackerAdapter

_ADAPTERS: dict[str, Adapter] = {
    adapter.code: adapter for adapter in (SandboxAdapter(), TrackerAdapter())
}

CHOICES = [(code, code) for code in _ADAPTERS]


def get(code: str) -> Adapter:
    """The adapter with this code; ``KeyError`` for an unknown one."""
    return _ADAPTERS[code]
