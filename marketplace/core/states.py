"""State machines as data, and the one function that moves an object between states.

Each app declares its machine as a table ``{from_status: {allowed next statuses}}`` in its own
``states.py``. ``transition()`` checks the table, changes the row only if it is still in the old
status (so a stale or concurrent move fails instead of overwriting), and records who moved it,
when and why in ``StatusChange``. An illegal or stale move raises ``IllegalTransition`` and
changes nothing. Models never set their own status.
"""

from collections.abc import Collection, Mapping
from typing import Any, TypeVar

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils.translation import gettext as _

from .errors import DomainError
from .models import StatusChange

M = TypeVar("M", bound=models.Model)
Machine = Mapping[str, Collection[str]]


class IllegalTransition(DomainError):
    default_code = "illegal_transition"


def can_transition(obj: models.Model, *, to: str, allowed: Machine, field: str = "status") -> bool:
    return to in allowed.get(getattr(obj, field), ())


def transition(
    obj: M,
    *,
    to: str,
    allowed: Machine,
    by: Any = None,
    reason: str = "",
    field: str = "status",
    changes: Mapping[str, Any] | None = None,
) -> M:
    """``obj`` is in status ``to`` (with ``changes`` applied) and the move is in its history."""
    current = getattr(obj, field)
    if not can_transition(obj, to=to, allowed=allowed, field=field):
        raise IllegalTransition(
            _("This cannot move from “%(current)s” to “%(to)s”.") % {"current": current, "to": to}
        )
    updates = {field: to, **(changes or {})}
    model = type(obj)
    with transaction.atomic(savepoint=False):
        moved = model._default_manager.filter(pk=obj.pk, **{field: current}).update(**updates)
        if moved == 1:
            StatusChange.objects.create(
                content_type=ContentType.objects.get_for_model(model),
                object_id=str(obj.pk),
                field=field,
                from_status=current,
                to_status=to,
                by=by if getattr(by, "pk", None) else None,
                reason=reason,
            )
    if moved != 1:
        # Raised outside the block: nothing was written, and the caller's transaction stays usable.
        raise IllegalTransition(
            _("This was changed by someone else meanwhile; reload and try again."),
            code="stale_transition",
        )
    for name, value in updates.items():
        setattr(obj, name, value)
    return obj


def history_of(obj: models.Model) -> models.QuerySet[StatusChange]:
    return StatusChange.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=str(obj.pk)
    ).select_related("by")
