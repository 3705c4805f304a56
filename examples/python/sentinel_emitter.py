"""Send ShopQ's classification events to Rollback Sentinel's ingest URL.

The ingest URL is a Lambda Function URL with ``AWS_IAM`` auth: every request is signed with
SigV4 (service ``lambda``, the stack's region) under the classifier's own AWS credentials, taken
from botocore's default chain (environment, shared profile, container / instance role).

Dependencies: the standard library and ``botocore`` (for signing only; HTTP is ``urllib``).

Delivery semantics
------------------
* Events are buffered and sent in batches of at most ``max_events`` (<= 1,000) events and
  ``max_body_bytes`` (<= 4 MB); a batch also goes out ``max_interval_s`` seconds after its first
  event, and on ``flush()`` / ``close()``.
* Every batch carries a ``batchId`` derived from its content (sha256 of the events), fixed when the
  batch is sealed. A retry re-sends the *same* bytes under the *same* ``batchId``, so Sentinel
  counts a batch once however often it arrives.
* Retried (exponential backoff, full jitter, ``Retry-After`` honoured): network errors, timeouts,
  HTTP 429 and 5xx. Never retried, logged and dropped with the reason: 400 (malformed), 403 (not
  signed / not allowed: fix the IAM policy), 409 (batchId re-used for other content), 413 (too
  large) and any other 4xx. A 200 may still reject single events (bad field): they are logged
  with index, id and field, the rest of the batch counts.

Snippets
--------
``snippet`` (the email text the classifier saw) is how Sentinel finds one-time codes classified as
critical, its most important rollback trigger. Sentinel derives an OTP verdict from it on arrival
and drops the text: it is never stored, logged or forwarded. The emitter therefore sends snippets
by default (truncated to Sentinel's 10,000-character limit instead of having the whole event
refused). With ``include_snippet=False`` no text leaves the service; pass ``otp=True/False`` from
your own detector then, or Sentinel cannot see OTPs at all (the emitter warns once).
"""

from __future__ import annotations

import hashlib
import http.client
import json
import logging
import os
import queue
import random
import re
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable, Dict, List, Literal, Mapping, Optional, Sequence, Union

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.session import Session, get_session

__all__ = ["SentinelEmitter", "BatchResult", "Version", "Importance"]

log = logging.getLogger("sentinel_emitter")

Importance = Literal["critical", "time_sensitive", "routine"]
Event = Dict[str, Any]
Timestamp = Union[datetime, str, None]

MAX_EVENTS_PER_BATCH = 1000
MAX_BODY_BYTES = 4_000_000
SNIPPET_MAX_CHARS = 10_000  # counted as JavaScript counts: UTF-16 code units
RETRYABLE_EXTRA = frozenset({429})
IMPORTANCES = ("critical", "time_sensitive", "routine")


@dataclass(frozen=True)
class Version:
    """The classifier version an event belongs to (model, model version, prompt)."""

    model: str
    model_version: str
    prompt: str

    def to_json(self) -> Dict[str, str]:
        return {"model": self.model, "modelVersion": self.model_version, "prompt": self.prompt}


VersionLike = Union[Version, Mapping[str, str]]


@dataclass
class BatchResult:
    """What happened to one batch: ``delivered`` or ``dropped`` (with ``reason``)."""

    batch_id: str
    events: int
    outcome: Literal["delivered", "dropped"]
    attempts: int
    status: Optional[int] = None
    reason: Optional[str] = None
    accepted: int = 0
    rejected: List[Dict[str, Any]] = field(default_factory=list)


@dataclass
class _Batch:
    batch_id: str
    body: bytes
    events: int


class _Retryable(Exception):
    def __init__(self, reason: str, status: Optional[int] = None, retry_after: Optional[float] = None):
        super().__init__(reason)
        self.status = status
        self.retry_after = retry_after


def _iso(ts: Timestamp) -> str:
    if ts is None:
        ts = datetime.now(timezone.utc)
    if isinstance(ts, str):
        return ts
    if ts.tzinfo is None:
        raise ValueError("ts must be timezone-aware (UTC); naive datetimes are ambiguous")
    return ts.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _version(version: VersionLike) -> Dict[str, str]:
    if isinstance(version, Version):
        return version.to_json()
    return {"model": version["model"], "modelVersion": version["modelVersion"], "prompt": version["prompt"]}


def _truncate_utf16(text: str, limit: int = SNIPPET_MAX_CHARS) -> str:
    """Cuts ``text`` to ``limit`` UTF-16 code units (how Sentinel counts), never inside a surrogate pair."""
    encoded = text.encode("utf-16-le", "surrogatepass")
    if len(encoded) <= 2 * limit:
        return text
    return encoded[: 2 * limit].decode("utf-16-le", "ignore")


def _region_from_url(url: str) -> Optional[str]:
    match = re.search(r"\.lambda-url\.([a-z0-9-]+)\.on\.aws", url)
    return match.group(1) if match else None


def _batch_id(events: Sequence[Event]) -> str:
    canonical = json.dumps(list(events), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "emit-" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:48]


class SentinelEmitter:
    """Buffers events and delivers them to Sentinel's ingest URL, signed with SigV4.

    Thread-safe. With ``background=True`` (default) a daemon thread sends the batches, so the
    classifier's request path never waits on Sentinel; ``flush()`` waits until everything queued
    so far is delivered or dropped. With ``background=False`` batches are sent on the calling
    thread (scripts, Lambda handlers).
    """

    def __init__(
        self,
        ingest_url: str,
        *,
        region: Optional[str] = None,
        credentials: Optional[Credentials] = None,
        botocore_session: Optional[Session] = None,
        max_events: int = MAX_EVENTS_PER_BATCH,
        max_body_bytes: int = MAX_BODY_BYTES,
        max_interval_s: float = 5.0,
        max_attempts: int = 8,
        base_delay_s: float = 0.2,
        max_delay_s: float = 30.0,
        timeout_s: float = 10.0,
        include_snippet: bool = True,
        max_queued_batches: int = 100,
        background: bool = True,
        on_result: Optional[Callable[[BatchResult], None]] = None,
    ) -> None:
        if not 1 <= max_events <= MAX_EVENTS_PER_BATCH:
            raise ValueError(f"max_events must be 1..{MAX_EVENTS_PER_BATCH}")
        if not 1024 <= max_body_bytes <= MAX_BODY_BYTES:
            raise ValueError(f"max_body_bytes must be 1024..{MAX_BODY_BYTES}")
        self.ingest_url = ingest_url
        session = botocore_session or get_session()
        self.region = (
            region
            or os.environ.get("AWS_REGION")
            or os.environ.get("AWS_DEFAULT_REGION")
            or session.get_config_variable("region")
            or _region_from_url(ingest_url)
        )
        if not self.region:
            raise ValueError("no region: pass region= or set AWS_REGION (the stack's region)")
        self._credentials = credentials or session.get_credentials()
        if self._credentials is None:
            raise ValueError("no AWS credentials found (env, profile or role); the ingest URL needs SigV4")
        self.max_events = max_events
        self.max_body_bytes = max_body_bytes
        self.max_interval_s = max_interval_s
        self.max_attempts = max(1, max_attempts)
        self.base_delay_s = base_delay_s
        self.max_delay_s = max_delay_s
        self.timeout_s = timeout_s
        self.include_snippet = include_snippet
        self.on_result = on_result
        self.results: List[BatchResult] = []
        self._warned_no_otp = False
        self._lock = threading.RLock()
        self._buffer: List[Event] = []
        self._buffer_bytes = 0
        self._buffer_since = 0.0
        self._background = background
        self._closed = False
        self._queue: "queue.Queue[Optional[_Batch]]" = queue.Queue(maxsize=max_queued_batches)
        self._worker: Optional[threading.Thread] = None
        if background:
            self._worker = threading.Thread(target=self._run, name="sentinel-emitter", daemon=True)
            self._worker.start()

    # ------------------------------------------------------------------ events (the contract)

    def classification(
        self,
        *,
        id: str,
        version: VersionLike,
        importance: Importance,
        ts: Timestamp = None,
        latency_ms: Optional[float] = None,
        cost_usd: Optional[float] = None,
        error: Optional[bool] = None,
        snippet: Optional[str] = None,
        otp: Optional[bool] = None,
        shadow: Optional[bool] = None,
        email_id: Optional[str] = None,
    ) -> None:
        """One email classified by ``version``. ``shadow=True`` for a candidate's shadow traffic."""
        if importance not in IMPORTANCES:
            raise ValueError(f"importance must be one of {', '.join(IMPORTANCES)}")
        event: Event = {
            "type": "classification",
            "id": id,
            "ts": _iso(ts),
            "version": _version(version),
            "importance": importance,
        }
        optional = {"latencyMs": latency_ms, "costUsd": cost_usd, "error": error, "otp": otp,
                    "shadow": shadow, "emailId": email_id}
        event.update({key: value for key, value in optional.items() if value is not None})
        if snippet is not None:
            if self.include_snippet:
                event["snippet"] = _truncate_utf16(snippet)
            elif otp is None and not self._warned_no_otp:
                self._warned_no_otp = True
                log.warning("include_snippet=False and no otp= given: Sentinel cannot detect OTPs "
                            "in critical for these events; pass otp=True/False from your own detector")
        self.emit(event)

    def correction(
        self,
        *,
        id: str,
        version: VersionLike,
        email_id: str,
        old_importance: Importance,
        new_importance: Importance,
        ts: Timestamp = None,
    ) -> None:
        """A user moved email ``email_id`` (classified by ``version``) from one class to another."""
        for value in (old_importance, new_importance):
            if value not in IMPORTANCES:
                raise ValueError(f"importance must be one of {', '.join(IMPORTANCES)}")
        self.emit({
            "type": "correction",
            "id": id,
            "ts": _iso(ts),
            "version": _version(version),
            "emailId": email_id,
            "oldImportance": old_importance,
            "newImportance": new_importance,
        })

    def gds_report(
        self,
        *,
        id: str,
        version: VersionLike,
        dataset: str,
        critical: Mapping[str, int],
        time_sensitive: Optional[Mapping[str, int]] = None,
        routine: Optional[Mapping[str, int]] = None,
        otp_in_critical: Optional[int] = None,
        ts: Timestamp = None,
    ) -> None:
        """A golden-dataset run: confusion counts ``{"tp", "fp", "fn"}`` per class."""
        event: Event = {
            "type": "gds_report",
            "id": id,
            "ts": _iso(ts),
            "version": _version(version),
            "dataset": dataset,
            "critical": {k: int(critical[k]) for k in ("tp", "fp", "fn")},
        }
        for name, counts in (("time_sensitive", time_sensitive), ("routine", routine)):
            if counts is not None:
                event[name] = {k: int(counts[k]) for k in ("tp", "fp", "fn")}
        if otp_in_critical is not None:
            event["otpInCritical"] = int(otp_in_critical)
        self.emit(event)

    # ------------------------------------------------------------------ batching

    def emit(self, event: Event) -> None:
        """Buffers one event (already in the contract's shape); seals a batch when it is full."""
        size = len(json.dumps(event, separators=(",", ":"), ensure_ascii=False).encode("utf-8")) + 1
        envelope = 100  # {"batchId":"emit-…","events":[]}
        if size + envelope > self.max_body_bytes:
            self._record(BatchResult(batch_id="-", events=1, outcome="dropped", attempts=0,
                                     reason=f"event {event.get('id')!r} alone is {size} bytes, over the "
                                            f"{self.max_body_bytes}-byte request limit"))
            return
        sealed: List[_Batch] = []
        with self._lock:
            if self._closed:
                raise RuntimeError("emitter is closed")
            if self._buffer and self._buffer_bytes + size + envelope > self.max_body_bytes:
                sealed.append(self._seal())
            if not self._buffer:
                self._buffer_since = time.monotonic()
            self._buffer.append(event)
            self._buffer_bytes += size
            if len(self._buffer) >= self.max_events:
                sealed.append(self._seal())
        for batch in sealed:
            self._dispatch(batch)
        if not self._background:
            self._flush_if_due()

    def flush(self) -> List[BatchResult]:
        """Seals the buffered events and waits until every queued batch is delivered or dropped."""
        with self._lock:
            batch = self._seal() if self._buffer else None
        if batch is not None:
            self._dispatch(batch)
        if self._background:
            self._queue.join()
        with self._lock:
            return list(self.results)

    def close(self) -> List[BatchResult]:
        """Flushes, then stops the sender thread. Further events raise."""
        results = self.flush()
        with self._lock:
            self._closed = True
        if self._worker is not None:
            self._queue.put(None)
            self._worker.join()
        return results

    def __enter__(self) -> "SentinelEmitter":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _seal(self) -> _Batch:
        events, self._buffer, self._buffer_bytes = self._buffer, [], 0
        batch_id = _batch_id(events)
        body = json.dumps({"batchId": batch_id, "events": events}, separators=(",", ":"),
                          ensure_ascii=False).encode("utf-8")
        return _Batch(batch_id=batch_id, body=body, events=len(events))

    def _dispatch(self, batch: _Batch) -> None:
        if not self._background:
            self._record(self._deliver(batch))
            return
        try:
            self._queue.put_nowait(batch)
        except queue.Full:
            self._record(BatchResult(batch_id=batch.batch_id, events=batch.events, outcome="dropped",
                                     attempts=0, reason="send queue full (Sentinel unreachable for long?)"))

    def _flush_if_due(self) -> None:
        with self._lock:
            due = self._buffer and time.monotonic() - self._buffer_since >= self.max_interval_s
            batch = self._seal() if due else None
        if batch is not None:
            self._dispatch(batch)

    def _run(self) -> None:
        tick = max(0.05, min(1.0, self.max_interval_s / 2))
        while True:
            try:
                batch = self._queue.get(timeout=tick)
            except queue.Empty:
                self._flush_if_due()
                continue
            try:
                if batch is None:
                    return
                self._record(self._deliver(batch))
            except Exception as error:  # never let the sender thread die, never lose a batch unreported
                log.exception("sentinel emitter: unexpected error delivering a batch")
                self._record(BatchResult(batch_id=batch.batch_id, events=batch.events, outcome="dropped",
                                         attempts=0, reason=f"unexpected error: {error!r}"))
            finally:
                self._queue.task_done()
            self._flush_if_due()

    def _record(self, result: BatchResult) -> None:
        with self._lock:
            self.results.append(result)
        if result.outcome == "dropped":
            log.error("sentinel batch %s (%d events) dropped after %d attempt(s): %s",
                      result.batch_id, result.events, result.attempts, result.reason)
        elif result.rejected:
            log.warning("sentinel batch %s: %d accepted, %d events rejected, first: %s", result.batch_id,
                        result.accepted, len(result.rejected), result.rejected[:5])
        if self.on_result is not None:
            try:
                self.on_result(result)
            except Exception:
                log.exception("sentinel emitter: on_result raised")

    # ------------------------------------------------------------------ HTTP

    def _deliver(self, batch: _Batch) -> BatchResult:
        last = "not sent"
        status: Optional[int] = None
        for attempt in range(1, self.max_attempts + 1):
            try:
                status, answer = self._post(batch.body)
            except _Retryable as problem:
                last, status = str(problem), problem.status
                if attempt == self.max_attempts:
                    break
                delay = random.uniform(0, min(self.max_delay_s, self.base_delay_s * 2 ** (attempt - 1)))
                if problem.retry_after is not None:
                    delay = max(delay, min(problem.retry_after, self.max_delay_s))
                log.warning("sentinel batch %s attempt %d failed (%s); retrying in %.2fs",
                            batch.batch_id, attempt, last, delay)
                time.sleep(delay)
                continue
            if status == 200:
                return BatchResult(batch_id=batch.batch_id, events=batch.events, outcome="delivered",
                                   attempts=attempt, status=200, accepted=int(answer.get("accepted", 0)),
                                   rejected=list(answer.get("rejected") or []))
            reason = {
                400: "400 malformed batch",
                403: "403 forbidden: the request is unsigned or the caller lacks lambda:InvokeFunctionUrl"
                     " and lambda:InvokeFunction on the ingest function",
                409: "409 batchId re-used for different content",
                413: "413 batch too large",
            }.get(status, f"HTTP {status}")
            detail = answer.get("error") or answer.get("Message") or answer.get("message")
            return BatchResult(batch_id=batch.batch_id, events=batch.events, outcome="dropped",
                               attempts=attempt, status=status,
                               reason=f"{reason}: {detail}" if detail else reason)
        return BatchResult(batch_id=batch.batch_id, events=batch.events, outcome="dropped",
                           attempts=self.max_attempts, status=status,
                           reason=f"gave up after {self.max_attempts} attempts: {last}")

    def _post(self, body: bytes) -> "tuple[int, Dict[str, Any]]":
        """One signed POST (signed afresh: new date, refreshed role credentials)."""
        request = AWSRequest(method="POST", url=self.ingest_url, data=body,
                             headers={"content-type": "application/json"})
        SigV4Auth(self._credentials.get_frozen_credentials(), "lambda", self.region).add_auth(request)
        outgoing = urllib.request.Request(self.ingest_url, data=body, method="POST",
                                      headers=dict(request.headers.items()))
        try:
            with urllib.request.urlopen(outgoing, timeout=self.timeout_s) as response:
                return response.status, _parse(response.read())
        except urllib.error.HTTPError as error:
            try:
                text = error.read()
            except Exception:
                text = b""
            if error.code >= 500 or error.code in RETRYABLE_EXTRA:
                raise _Retryable(f"HTTP {error.code}", error.code, _retry_after(error.headers.get("retry-after")))
            return error.code, _parse(text)
        except (urllib.error.URLError, OSError, http.client.HTTPException) as error:
            # HTTPException: IncompleteRead / bad status line on a cut connection
            raise _Retryable(f"network error: {getattr(error, 'reason', None) or error!r}")


def _parse(text: bytes) -> Dict[str, Any]:
    try:
        answer = json.loads(text.decode("utf-8") or "{}")
    except ValueError:
        return {}
    return answer if isinstance(answer, dict) else {}


def _retry_after(value: Optional[str]) -> Optional[float]:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None
