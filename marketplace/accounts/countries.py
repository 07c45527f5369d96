"""The countries and regions the address book offers: ISO 3166-1 alpha-2 codes with names.

The platform's main markets come first; the rest follow in English alphabetical order. This is a
list of places we ship to, not a complete ISO table: add a code here before it can be chosen.
"""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

MAIN_MARKETS: list[tuple[str, Promise]] = [
    ("TW", _("Taiwan")),
    ("HK", _("Hong Kong")),
    ("MO", _("Macao")),
    ("CN", _("China")),
    ("SG", _("Singapore")),
    ("MY", _("Malaysia")),
    ("JP", _("Japan")),
    ("KR", _("South Korea")),
    ("US", _("United States")),
]

OTHER_COUNTRIES: list[tuple[str, Promise]] = [
    ("AR", _("Argentina")),
    ("AU", _("Australia")),
    ("AT", _("Austria")),
    ("BD", _("Bangladesh")),
    ("BE", _("Belgium")),
    ("BR", _("Brazil")),
    ("BN", _("Brunei")),
    ("KH", _("Cambodia")),
    ("CA", _("Canada")),
    ("CL", _("Chile")),
    ("CO", _("Colombia")),
    ("CZ", _("Czechia")),
    ("DK", _("Denmark")),
    ("EG", _("Egypt")),
    ("FI", _("Finland")),
    ("FR", _("France")),
    ("DE", _("Germany")),
    ("GR", _("Greece")),
    ("HU", _("Hungary")),
    ("IN", _("India")),
    ("ID", _("Indonesia")),
    ("IE", _("Ireland")),
    ("IL", _("Israel")),
    ("IT", _("Italy")),
    ("KE", _("Kenya")),
    ("KW", _("Kuwait")),
    ("LA", _("Laos")),
    ("LU", _("Luxembourg")),
    ("MX", _("Mexico")),
    ("MN", _("Mongolia")),
    ("MM", _("Myanmar")),
    ("NP", _("Nepal")),
    ("NL", _("Netherlands")),
    ("NZ", _("New Zealand")),
    ("NG", _("Nigeria")),
    ("NO", _("Norway")),
    ("PK", _("Pakistan")),
    ("PE", _("Peru")),
    ("PH", _("Philippines")),
    ("PL", _("Poland")),
    ("PT", _("Portugal")),
    ("QA", _("Qatar")),
    ("RO", _("Romania")),
    ("SA", _("Saudi Arabia")),
    ("ZA", _("South Africa")),
    ("ES", _("Spain")),
    ("LK", _("Sri Lanka")),
    ("SE", _("Sweden")),
    ("CH", _("Switzerland")),
    ("TH", _("Thailand")),
    ("TR", _("Türkiye")),
    ("UA", _("Ukraine")),
    ("AE", _("United Arab Emirates")),
    ("GB", _("United Kingdom")),
    ("VN", _("Vietnam")),
]

COUNTRY_NAMES: dict[str, Promise] = dict(MAIN_MARKETS + OTHER_COUNTRIES)


def country_choices() -> list[tuple[Promise, list[tuple[str, Promise]]]]:
    """Grouped choices for a select box: the main markets, then everywhere else."""
    return [
        (_("Main markets"), MAIN_MARKETS),
        (_("Other countries and regions"), OTHER_COUNTRIES),
    ]
