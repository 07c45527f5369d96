"""Staff admin of logistics, one module per area: peak periods, late dispatches and the delivery
performance report (``ops``)."""

from . import ops  # noqa: F401
