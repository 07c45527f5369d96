"""Demo data of logistics, run by ``logistics.seed``: carriers with their service levels and the
demo shopper's shipments moving in the sandbox (``shipments``)."""
