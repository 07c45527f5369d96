"""Catalogue admin, one module per sub-domain: the catalogue itself and its review queue, search
tables, and CSV jobs."""

from . import catalogue, jobs, search  # noqa: F401
