"""What every response carries and every request is held to: security headers, and a cap on request bodies.

A pure ASGI middleware, so that it sees a streamed (chunked) body as it arrives and can refuse it before the
application reads it whole.
"""

from __future__ import annotations

import json

# The dashboard's own pages need no inline script (one static file) and no outside origin; inline style is
# allowed for the page's stylesheet and the server-drawn SVG charts.
PAGE_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
               "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
# FastAPI's interactive API docs (/docs, /redoc) load their viewer from a CDN with an inline bootstrap script.
DOCS_POLICY = ("default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
               "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; img-src 'self' data: https:; "
               "object-src 'none'; base-uri 'none'; frame-ancestors 'none'")
DOCS_PATHS = ("/docs", "/redoc")


class Guard:
    def __init__(self, app, max_body_bytes: int):
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        policy = DOCS_POLICY if scope["path"].startswith(DOCS_PATHS) else PAGE_POLICY
        started = refused = False

        async def send_guarded(message):
            nonlocal started
            if refused:
                return  # the 413 has gone out: the application's own answer is dropped
            if message["type"] == "http.response.start":
                started = True
                message = {**message, "headers": [*message.get("headers", []), *_headers(policy)]}
            await send(message)

        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body_bytes:
            await self._refuse(send, policy, int(declared))
            return
        received = 0

        async def receive_limited():
            # A streamed body is counted as it arrives; past the cap the client is answered 413 at once and
            # the application is told the client has gone (it stops reading, and nothing is ingested).
            nonlocal received, refused
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes and not started:
                    await self._refuse(send, policy, received)
                    refused = True
                    return {"type": "http.disconnect"}
            return message

        try:
            await self.app(scope, receive_limited, send_guarded)
        except Exception:
            if not refused:
                raise

    async def _refuse(self, send, policy: str, size: int) -> None:
        body = json.dumps({"detail": f"the request body ({size:,} bytes or more) is over the limit of "
                                     f"{self.max_body_bytes:,} bytes (setting max_request_bytes)"}).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                                *_headers(policy)]})
        await send({"type": "http.response.body", "body": body})


def _headers(policy: str) -> list[tuple[bytes, bytes]]:
    return [(b"content-security-policy", policy.encode()), (b"x-content-type-options", b"nosniff"),
            (b"x-frame-options", b"DENY"), (b"referrer-policy", b"no-referrer"),
            (b"cross-origin-opener-policy", b"same-origin")]
