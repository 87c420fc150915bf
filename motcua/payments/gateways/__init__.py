"""Payment gateways as plugins: the interface every gateway implements, and the registry.

A *plugin* is a protocol (``vnpay``: VNPay 2.1.0). A *configured gateway*
(:class:`GatewayConfig`, see motcua.payments.config) is a plugin with a merchant's settings
(merchant code, secret, URLs, the DVCQG payment flag it reports): the province's own, one
per unit, or the built-in sandbox. ``Payment.gateway`` stores the configured gateway's key.

What a plugin does (docs/payments.md):

- :meth:`Gateway.start`: the URL the citizen is redirected to for one pending payment;
- :meth:`Gateway.parse_return` / :meth:`Gateway.parse_notification`: verify what the
  gateway sent (browser return, server-to-server notification) and read the outcome —
  a bad signature raises :class:`BadSignature`;
- :meth:`Gateway.notification_answer`: the body the gateway expects back for a notification;
- :meth:`Gateway.query`: ask the gateway for a transaction's state (reconciliation);
- :meth:`Gateway.refund`: give the money back.

Server-to-server calls that cannot be made raise :class:`GatewayUnavailable`; callers
leave the payment as it is and try again later.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from motcua.dossiers.models import Payment


class GatewayError(Exception):
    """Something a gateway sent or answered that motcua cannot use."""


class BadSignature(GatewayError):
    """The signature (checksum) does not match the parameters: the message is refused."""


class GatewayUnavailable(GatewayError):
    """The gateway could not be reached or gave no usable answer; try again later."""


class Found(StrEnum):
    """A transaction's state as the gateway reports it."""

    SUCCESS = "success"
    FAILED = "failed"
    PENDING = "pending"  # started, not finished yet
    REFUNDED = "refunded"
    UNKNOWN = "unknown"  # the gateway has no such transaction


@dataclass(frozen=True)
class Outcome:
    """What a gateway says about one transaction (``amount`` in VND, never × 100)."""

    reference: str
    state: Found
    amount: int | None = None
    gateway_txn: str = ""
    paid_at: dt.datetime | None = None
    code: str = ""  # the gateway's own result code, for the history and the report
    raw: Mapping[str, Any] = field(default_factory=dict)


class Answer(StrEnum):
    """How motcua handled a notification; plugins map it to their own response codes."""

    APPLIED = "applied"
    ALREADY = "already"  # nothing to change: the same or a later-final state is recorded
    NOT_FOUND = "not_found"
    BAD_AMOUNT = "bad_amount"
    BAD_SIGNATURE = "bad_signature"
    ERROR = "error"


class Gateway:
    """The plugin interface. ``config`` is the configured gateway (config.GatewayConfig)."""

    plugin = ""

    def __init__(self, config: Any) -> None:
        self.config = config

    def start(self, payment: Payment, *, order_info: str, return_url: str, client_ip: str) -> str:
        raise NotImplementedError

    def parse_return(self, params: Mapping[str, str]) -> Outcome:
        raise NotImplementedError

    def parse_notification(self, params: Mapping[str, str]) -> Outcome:
        raise NotImplementedError

    def notification_answer(self, answer: Answer) -> dict[str, str]:
        raise NotImplementedError

    def query(self, payment: Payment) -> Outcome:
        raise NotImplementedError

    def refund(self, payment: Payment, *, amount: int, by: str, client_ip: str) -> Outcome:
        raise NotImplementedError


_PLUGINS: dict[str, Callable[[Any], Gateway]] = {}


def register(plugin: str, factory: Callable[[Any], Gateway]) -> None:
    """Make ``plugin`` usable in a gateway configuration."""
    _PLUGINS[plugin] = factory


def plugins() -> list[str]:
    return sorted(_PLUGINS)


def build(config: Any) -> Gateway:
    """The plugin of a configured gateway, bound to its settings."""
    try:
        factory = _PLUGINS[config.plugin]
    except KeyError:
        known = ", ".join(plugins())
        raise GatewayError(f"unknown payment plugin {config.plugin!r} (known: {known})") from None
    return factory(config)
