import factory
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from marketplace.accounts.models import Address, User

PASSWORD = "correct-horse-battery-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    display_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        obj.save()
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class AddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Address

    user = factory.SubFactory(UserFactory)
    recipient = factory.Faker("name")
    phone = "+886 2 1234 5678"
    country = "TW"
    region = "Taipei"
    city = "Taipei"
    street = factory.Sequence(lambda n: f"{n} Xinyi Road")
    postcode = "110"


def enable_two_factor(user: User) -> Authenticator:
    """An authenticator app (TOTP) for ``user``, stored as allauth stores it on activation."""
    return TOTP.activate(user, generate_totp_secret()).instance
