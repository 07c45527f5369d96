import factory

from marketplace.notifications.models import Notification, OutboxMessage
from tests.accounts.factories import UserFactory


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    user = factory.SubFactory(UserFactory)
    kind = "test_message"
    context = factory.Sequence(
        lambda n: {"title": f"Parcel {n}", "text": f"Parcel {n} is on its way."}
    )
    send_email = False


class OutboxMessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutboxMessage

    task_name = "tests.notifications.record_run"
    kwargs = factory.Sequence(lambda n: {"label": f"run-{n}"})
    queue = "default"
