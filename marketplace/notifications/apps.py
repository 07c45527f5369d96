from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "marketplace.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from allauth.account.signals import user_signed_up

        from . import receivers, sellers_receivers  # noqa: F401 - @receiver functions connect on import

        user_signed_up.connect(
            receivers.welcome_new_user, dispatch_uid="notifications.welcome_new_user"
        )
