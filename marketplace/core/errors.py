"""The base of every domain error: a translatable message for people and a stable code for code."""


class DomainError(Exception):
    default_code = "error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
