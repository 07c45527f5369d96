import pytest
from django.core.exceptions import ValidationError

from marketplace.accounts.countries import COUNTRY_NAMES, country_choices
from marketplace.accounts.models import validate_phone


@pytest.mark.parametrize(
    "phone",
    ["+886 2 2345 6789", "(02) 2345-6789", "0912345678", "+1 (415) 555-0100", "123456"],
)
def test_phone_numbers_as_people_write_them_are_accepted(phone):
    validate_phone(phone)


@pytest.mark.parametrize(
    "phone",
    [
        "12345",  # too few digits
        "1" * 21,  # too many digits
        "+886 2 2345 6789 ext. 12",  # letters
        "02/2345/6789",  # slashes
        "".join(chr(0xFF10 + int(d)) for d in "0223456789"),  # full-width digits
        "+ - ( )",  # no digits at all
    ],
)
def test_other_phone_numbers_are_refused(phone):
    with pytest.raises(ValidationError) as raised:
        validate_phone(phone)

    assert raised.value.code == "invalid_phone"


def test_the_country_list_covers_the_main_markets_and_beyond():
    grouped = {code for _group, options in country_choices() for code, _name in options}

    assert {"TW", "CN", "HK", "MO", "SG", "MY", "JP", "KR", "US", "CA", "GB", "DE", "FR", "AU"} <= (
        grouped
    )
    assert len(grouped) >= 60
    assert grouped == set(COUNTRY_NAMES)
    assert all(len(code) == 2 and code.isupper() for code in grouped)
