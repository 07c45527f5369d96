"""core.states on a real table. Any char field can carry a machine; Address.country stands in."""

import pytest

from marketplace.accounts.models import Address
from marketplace.core.states import IllegalTransition, can_transition, history_of, transition
from tests.accounts.factories import AddressFactory
from tests.threads import run_together

MACHINE = {"TW": {"CN", "HK"}, "CN": {"HK"}}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "to", "allowed"),
    [
        ("TW", "CN", True),
        ("TW", "HK", True),
        ("CN", "HK", True),
        ("CN", "TW", False),
        ("HK", "TW", False),
        ("TW", "TW", False),
    ],
)
def test_machine_table(start, to, allowed):
    address = AddressFactory(country=start)

    assert can_transition(address, to=to, allowed=MACHINE, field="country") is allowed


@pytest.mark.django_db
def test_transition_moves_and_records_who_and_why(user):
    address = AddressFactory(country="TW")

    transition(
        address,
        to="CN",
        allowed=MACHINE,
        by=user,
        reason="moved",
        field="country",
        changes={"city": "Shanghai"},
    )

    address.refresh_from_db()
    assert (address.country, address.city) == ("CN", "Shanghai")
    [change] = history_of(address)
    assert (change.from_status, change.to_status, change.by, change.reason) == (
        "TW",
        "CN",
        user,
        "moved",
    )


@pytest.mark.django_db
def test_illegal_transition_changes_nothing():
    address = AddressFactory(country="CN")

    with pytest.raises(IllegalTransition):
        transition(address, to="TW", allowed=MACHINE, field="country")

    address.refresh_from_db()
    assert address.country == "CN"
    assert not history_of(address).exists()


@pytest.mark.django_db
def test_stale_object_cannot_move():
    address = AddressFactory(country="TW")
    stale = Address.objects.get(pk=address.pk)
    transition(address, to="CN", allowed=MACHINE, field="country")

    with pytest.raises(IllegalTransition) as error:
        transition(stale, to="HK", allowed=MACHINE, field="country")

    assert error.value.code == "stale_transition"
    assert Address.objects.get(pk=address.pk).country == "CN"


@pytest.mark.django_db(transaction=True)
def test_concurrent_moves_from_the_same_state_succeed_once():
    address = AddressFactory(country="TW")
    copies = {to: Address.objects.get(pk=address.pk) for to in ("CN", "HK")}  # both read TW

    def move(to: str) -> str:
        try:
            transition(copies[to], to=to, allowed=MACHINE, field="country")
        except IllegalTransition:
            return "refused"
        return "moved"

    outcomes = run_together(lambda: move("CN"), lambda: move("HK"))

    assert sorted(outcomes) == ["moved", "refused"]
    assert history_of(address).count() == 1
