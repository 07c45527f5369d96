import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from marketplace.accounts.models import User
from marketplace.core.seeding import DEMO_PASSWORD


@pytest.mark.django_db
def test_seed_demo_creates_the_demo_accounts_and_is_idempotent():
    call_command("seed_demo", stdout=None)
    call_command("seed_demo", stdout=None)

    emails = set(User.objects.values_list("email", flat=True))
    assert {"shopper@example.com", "merchant@example.com", "staff@example.com"} <= emails
    assert User.objects.filter(email="shopper@example.com").count() == 1
    staff = User.objects.get(email="staff@example.com")
    assert staff.is_superuser and staff.is_staff
    assert staff.check_password(DEMO_PASSWORD)
    assert (
        User.objects.get(email="shopper@example.com").addresses.filter(is_default=True).count() == 1
    )


@pytest.mark.django_db
def test_demo_accounts_log_in_and_staff_reach_the_admin(client):
    call_command("seed_demo", stdout=None)

    for email in ("shopper@example.com", "merchant@example.com"):
        assert client.login(email=email, password=DEMO_PASSWORD)
        assert client.get("/admin/").status_code == 302
        client.logout()
    assert client.login(email="staff@example.com", password=DEMO_PASSWORD)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert "Marketplace administration" in response.content.decode()


@pytest.mark.django_db
def test_staff_groups_exist_with_permissions():
    groups = {g.name: g for g in Group.objects.prefetch_related("permissions")}

    assert set(groups) >= {"moderators", "support", "finance", "logistics"}
    support = {p.codename for p in groups["support"].permissions.all()}
    assert {"view_user", "view_address", "view_notification"} <= support
