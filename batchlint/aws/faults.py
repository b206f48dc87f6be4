"""What can go wrong on the wire, and the time a live scan may spend on one endpoint.

Every AWS call of a scan runs under a :class:`CallBudget`: a connect and a read
timeout, at most three attempts, and a deadline of ``--timeout`` seconds per call,
retries and their back-off included. A call that gets no answer in time marks its
endpoint as silent, and later calls to that endpoint fail at once rather than wait
again: so one endpoint that accepts connections and never answers costs the scan
about ``--timeout`` seconds, and what it held ends as *not verified* or an unread
region, with the reason.

A reply that is not what AWS sends (a 200 with an HTML page, say) is a fault too:
botocore reads a JSON service's garbage as an empty answer, an XML service's as an
empty one or a ``KeyError``, or raises ``ResponseParserError`` (not a
``BotoCoreError``). Every 2xx body is checked before botocore parses it, and a page
without the list asked for is refused (:func:`check_reply`): both raise
:class:`MalformedReply`, naming the call.
"""

from __future__ import annotations

import json
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from botocore.exceptions import (
    BotoCoreError,
    ConnectTimeoutError,
    CredentialRetrievalError,
    InvalidConfigError,
    NoCredentialsError,
    PartialCredentialsError,
    ReadTimeoutError,
)
from botocore.parsers import ResponseParserError

DEFAULT_TIMEOUT = 60.0
MAX_ATTEMPTS = 3
# Every fault of a call that is not an answer from AWS (ClientError is one).
AWS_FAULTS: tuple[type[Exception], ...] = (BotoCoreError, ResponseParserError)
CREDENTIAL_FAULTS: tuple[type[Exception], ...] = (
    CredentialRetrievalError, InvalidConfigError, NoCredentialsError, PartialCredentialsError)
_TIMEOUTS = (ReadTimeoutError, ConnectTimeoutError)


class NoAnswer(BotoCoreError):
    """An endpoint did not answer a call within the budget."""

    fmt = "{message}"


class MalformedReply(BotoCoreError):
    """A 200 reply whose body is not the JSON or XML AWS sends."""

    fmt = "{message}"


def describe_fault(exc: BaseException, call: str) -> str:
    """One line for a fault of a call (botocore's texts may span lines or quote bodies);
    ``call`` names it when the budget did not record which call it was."""
    call = getattr(exc, "batchlint_call", None) or call
    if isinstance(exc, ResponseParserError):
        return f"the reply to {call} is not what AWS sends (unreadable XML or JSON)"
    text = " ".join(str(exc).split())
    return text if call in text else f"{text} ({call})"


def check_reply(client: Any, operation: str, key: str, page: Any) -> None:
    """A page must hold ``key``: botocore reads a body that is not AWS's as ``{}``."""
    model = client.meta.service_model
    if not isinstance(page, dict) or key not in page:
        name = model.operation_model("".join(p.capitalize() for p in operation.split("_"))).name
        call = f"{model.signing_name}:{name}"
        raise MalformedReply(message=f"the reply to {call} is not what AWS sends "
                                     f"(no {key!r} in it)")


def check_body(operation_model: Any, response_dict: dict[str, Any], **_: Any) -> None:
    """botocore ``before-parse`` hook: a 2xx body must be the JSON object or the XML
    ``…Response`` document the protocol promises."""
    body = response_dict.get("body")
    status = response_dict.get("status_code", 0)
    if not 200 <= status < 300 or not isinstance(body, bytes) \
            or operation_model.has_streaming_output:
        return
    protocol = operation_model.service_model.protocol
    call = f"{operation_model.service_model.signing_name}:{operation_model.name}"
    if protocol in ("json", "rest-json"):
        try:
            good = not body.strip() or isinstance(json.loads(body), dict)
        except ValueError:
            good = False
        if not good:
            raise MalformedReply(message=f"the reply to {call} is not what AWS sends "
                                         "(not a JSON object)")
    elif protocol in ("query", "ec2"):
        try:
            good = ET.fromstring(body).tag.rsplit("}", 1)[-1].endswith("Response")
        except ET.ParseError:
            good = False
        if not good:
            raise MalformedReply(message=f"the reply to {call} is not what AWS sends "
                                         "(not an AWS XML reply)")


def reply_field(client: Any, operation: str, reply: Any, key: str) -> Any:
    """``reply[key]``, or MalformedReply naming the call when the reply has no such key."""
    check_reply(client, operation, key, reply)
    return reply[key]


class CallBudget:
    """Timeouts of every call of one scan, and the endpoints found silent so far."""

    def __init__(self, timeout: float = DEFAULT_TIMEOUT,
                 clock: Callable[[], float] = time.monotonic):
        self.timeout = timeout
        self.read_timeout = max(timeout / MAX_ATTEMPTS, 0.5)
        self.connect_timeout = min(5.0, self.read_timeout)
        self.clock = clock
        self._silent: set[str] = set()
        self._lock = threading.Lock()

    def config(self) -> Any:
        from botocore.config import Config

        return Config(connect_timeout=self.connect_timeout, read_timeout=self.read_timeout,
                      retries={"mode": "adaptive", "max_attempts": MAX_ATTEMPTS})

    def install(self, session: Any) -> None:
        """Apply the budget to every client (and credential provider) of a boto3 session."""
        core = session._session
        core.set_default_client_config(self.config())
        events = core.get_component("event_emitter")
        events.register("before-call", self._before_call, unique_id="batchlint-silent")
        events.register("request-created", self._attempt, unique_id="batchlint-deadline")
        events.register("needs-retry", self._record, unique_id="batchlint-last-error")
        events.register("after-call-error", self._after_error, unique_id="batchlint-timeouts")
        events.register("before-parse", check_body, unique_id="batchlint-reply-body")

    def _name(self, model: Any) -> str:
        return f"{model.service_model.signing_name}:{model.name}"

    def _before_call(self, model: Any, params: dict[str, Any], context: dict[str, Any],
                     **_: Any) -> None:
        host = urlsplit(str(params.get("url", ""))).netloc
        context["batchlint"] = {"start": self.clock(), "host": host, "call": self._name(model)}
        with self._lock:
            silent = host in self._silent
        if silent:
            raise NoAnswer(message=f"{host} did not answer within {self.timeout:g} s "
                                   f"(--timeout); {self._name(model)} not sent")

    def _attempt(self, request: Any, **_: Any) -> None:
        """Before each retry: give up when another silent attempt would pass the deadline."""
        state = getattr(request, "context", {}).get("batchlint")
        if not state or request.context.get("retries", {}).get("attempt", 1) <= 1:
            return
        if self.clock() - state["start"] + self.read_timeout <= self.timeout:
            return
        last = state.get("error")
        if isinstance(last, _TIMEOUTS):
            self._mark(state["host"])
        if isinstance(last, Exception):
            raise last
        raise NoAnswer(message=f"no usable answer to {state['call']} within "
                               f"{self.timeout:g} s (--timeout)")

    def _record(self, request_dict: dict[str, Any], caught_exception: Exception | None = None,
                **_: Any) -> None:
        state = request_dict.get("context", {}).get("batchlint")
        if state is not None:
            state["error"] = caught_exception

    def _after_error(self, exception: Exception, context: dict[str, Any], **_: Any) -> None:
        state = context.get("batchlint")
        if not state:
            return
        exception.batchlint_call = state["call"]  # type: ignore[attr-defined]
        if isinstance(exception, _TIMEOUTS):
            self._mark(state["host"])

    def _mark(self, host: str) -> None:
        with self._lock:
            self._silent.add(host)
