"""Errors of the sellers app: a translatable message for people and a stable code for code."""

from marketplace.core.errors import DomainError


class SellerError(DomainError):
    default_code = "seller_error"


class RuleError(SellerError):
    """A violation, penalty or appeal that the platform rules do not allow."""

    default_code = "rule_error"


class ApplicationError(SellerError):
    """A move of a merchant application that its state or its content does not allow."""

    default_code = "application_error"


class DocumentError(SellerError):
    """A qualification document that is refused: wrong kind of file, too large, unreadable."""

    default_code = "document_error"


class ShopError(SellerError):
    """A change to a shop, its pictures, decoration or followers that is not allowed."""

    default_code = "shop_error"


class MemberError(SellerError):
    """An invitation or a change of members and roles that is not allowed."""

    default_code = "member_error"
