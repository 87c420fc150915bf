from tests.accounts.cast import cast

__all__ = ["cast"]
