"""Where alerts go once they are stored: the console, a JSONL file, a webhook, an e-mail.

Every sink's `send(alert)` returns (delivered, attempts, error) and never raises: a mail server that is down must
not stop the watch, and the store keeps each delivery's outcome next to the alert.
"""

from __future__ import annotations

import json
import os
import smtplib
import sys
import time
from email.message import EmailMessage
from pathlib import Path

import httpx

from redline.records import Alert
from redline.watch.watchlist import Sink

BACKOFF_S = 0.5  # first wait between webhook tries; doubled each time


class ConsoleSink:
    name = "console"

    def __init__(self, stream=None):
        self.stream = stream or sys.stderr  # stdout stays for --json output

    def send(self, alert: Alert) -> tuple[bool, int, str | None]:
        print(f"ALERT {alert.what}\n  why: {alert.why}", file=self.stream)
        for evidence in alert.evidence[:3]:
            print(f"  ← {evidence['outlet']}: {evidence['sentence'][:160]}", file=self.stream)
        for evidence in alert.counter_evidence[:2]:
            print(f"  ✗ {evidence['outlet']}: {evidence['sentence'][:160]}", file=self.stream)
        return True, 1, None


class JsonlSink:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.name = f"jsonl {self.path}"

    def send(self, alert: Alert) -> tuple[bool, int, str | None]:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as out:
                out.write(json.dumps(alert.to_json(), ensure_ascii=False) + "\n")
        except OSError as exc:
            return False, 1, f"cannot write {self.path}: {exc.strerror or exc}"
        return True, 1, None


class WebhookSink:
    """POST the alert as JSON; a 5xx, a timeout or a refused connection is tried again with backoff, a 4xx not."""

    def __init__(self, url: str, retries: int = 3, timeout_s: float = 10, backoff_s: float = BACKOFF_S):
        self.url, self.retries, self.timeout_s, self.backoff_s = url, retries, timeout_s, backoff_s
        self.name = f"webhook {url}"

    def send(self, alert: Alert) -> tuple[bool, int, str | None]:
        error = None
        for attempt in range(1, self.retries + 2):
            try:
                response = httpx.post(self.url, json=alert.to_json(), timeout=self.timeout_s)
                if response.is_success:
                    return True, attempt, None
                error = f"HTTP {response.status_code}"
                if response.status_code < 500 and response.status_code != 429:
                    return False, attempt, error  # the receiver refuses this alert: trying again will not help
            except httpx.HTTPError as exc:
                error = f"{type(exc).__name__}: {exc}"
            if attempt <= self.retries:
                time.sleep(self.backoff_s * 2 ** (attempt - 1))
        return False, self.retries + 1, error


class EmailSink:
    def __init__(self, spec: Sink):
        self.spec = spec
        self.name = f"email {','.join(spec.to)}"

    def send(self, alert: Alert) -> tuple[bool, int, str | None]:
        spec = self.spec
        message = EmailMessage()
        message["Subject"] = f"[redline {alert.watchlist}] {alert.what}"
        message["From"] = spec.sender
        message["To"] = ", ".join(spec.to)
        message.set_content(alert_text(alert))
        try:
            with smtplib.SMTP(spec.host, spec.port, timeout=spec.timeout_s) as smtp:
                if spec.starttls:
                    smtp.starttls()
                if spec.username:
                    smtp.login(spec.username, os.environ.get(spec.password_env or "", ""))
                smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as exc:
            return False, 1, f"{type(exc).__name__}: {exc}"
        return True, 1, None


def alert_text(alert: Alert) -> str:
    """An alert as plain text: what changed, why, the evidence and what speaks against it."""
    lines = [alert.what, f"Why: {alert.why}", f"As of: {alert.as_of:%Y-%m-%d %H:%M} UTC", "", "Evidence:"]
    lines += [_evidence_line(e) for e in alert.evidence] or ["  (none)"]
    if alert.counter_evidence:
        lines += ["", "Against:"] + [_evidence_line(e) for e in alert.counter_evidence]
    return "\n".join(lines) + "\n"


def _evidence_line(evidence: dict) -> str:
    return (f"  - [{evidence['reliability']}] {evidence['outlet'] or '?'} ({(evidence['published'] or '')[:10]}, "
            f"{evidence['modality']}): {evidence['sentence']}\n    {evidence['url'] or evidence['article_id']}")


def make_sinks(specs: list[Sink], *, console: bool = False) -> list:
    sinks: list = [ConsoleSink()] if console else []
    for spec in specs:
        if spec.kind == "console" and not console:
            sinks.append(ConsoleSink())
        elif spec.kind == "jsonl":
            sinks.append(JsonlSink(spec.path))
        elif spec.kind == "webhook":
            sinks.append(WebhookSink(spec.url, spec.retries, spec.timeout_s))
        elif spec.kind == "email":
            sinks.append(EmailSink(spec))
    return sinks
