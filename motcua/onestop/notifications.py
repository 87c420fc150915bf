"""E-mail notifications to the applicant (filled in below)."""


def connect() -> None:
    return None
