"""Demo data: every app may have a ``seed.py`` with ``run(*, options, log)``.

Seed modules are discovered through the app registry the way admin modules are, and run in the
order of INSTALLED_APPS, which follows the dependency order of DESIGN.md - so a seed module only
relies on what lower apps have seeded, and no app imports a higher one. Every ``run`` must be
idempotent: ``seed_demo`` may run on every ``make run``. Each runs in one transaction, unless it
sets ``OWN_TRANSACTIONS = True`` (it then calls services that commit on their own).
"""

import importlib
import importlib.util
from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.db import transaction

DEMO_PASSWORD = "demo-pass-123"  # noqa: S105 - published demo password, printed by make run


def seed_modules() -> list[tuple[str, Any]]:
    found = []
    for config in apps.get_app_configs():
        module_name = f"{config.name}.seed"
        if importlib.util.find_spec(module_name) is not None:
            found.append((config.label, importlib.import_module(module_name)))
    return found


def run_seeds(*, options: dict[str, Any], log: Callable[[str], None]) -> None:
    for label, module in seed_modules():
        if getattr(module, "OWN_TRANSACTIONS", False):
            # Its services are money entry points (``atomic(durable=True)``): the seed calls
            # them as any caller would, each committing on its own.
            module.run(options=options, log=log)
        else:
            with transaction.atomic():
                module.run(options=options, log=log)
        log(f"seeded {label}")
