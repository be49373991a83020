"""A local HTTP server that speaks SendGrid's v3 mail/send, for the real `sendgrid` client.

`server.script` is a list of answers used one per request ("ok", "bad", "too_large",
"rate_limited", "down", "slow", "drop", "unauthorized", "forbidden"); when it is empty,
`server.mode` answers. Every request that reached the server is kept in `server.received`,
including those it then answered with an error or dropped. Like SendGrid, it refuses (400) a
recipient's name holding "," or ";" unless the name is in double quotes. With
`server.barrier` set, its 429 answers wait for each other and go out together, as when
SendGrid's limit is reached under load.
"""

from __future__ import annotations

import base64
import json
import re
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

# SendGrid's Event Webhook signs each batch: ECDSA (P-256, SHA-256) over timestamp + body.
SIGNATURE = "X-Twilio-Email-Event-Webhook-Signature"
TIMESTAMP = "X-Twilio-Email-Event-Webhook-Timestamp"

# SendGrid reads a recipient's name in personalizations[].to[] as a list when it holds "," or
# ";" (its documentation forbids both there); a name in double quotes is taken whole.
_LISTLIKE = re.compile(r"[,;]")
_QUOTED = re.compile(r'"[^"\\]*"')


def refused_name(body: dict) -> str | None:
    """The field SendGrid would refuse in this request body, if any."""
    for p, personalization in enumerate(body.get("personalizations", [])):
        for t, recipient in enumerate(personalization.get("to", [])):
            name = recipient.get("name", "")
            if _LISTLIKE.search(name) and not _QUOTED.fullmatch(name):
                return f"personalizations.{p}.to.{t}.name"
    return None


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):  # noqa: N802  (http.server's naming)
        length = int(self.headers.get("Content-Length", 0))
        body = json.loads(self.rfile.read(length))
        server = self.server
        with server.lock:
            server.received.append((self.path, dict(self.headers), body))
            mode = server.script.pop(0) if server.script else server.mode
        field = refused_name(body)
        if field is not None:
            self._reply(400, {"errors": [{"message": "names here may not hold ',' or ';'",
                                          "field": field}]})
            return
        if mode == "slow":
            time.sleep(server.slow_seconds)
            mode = "ok"
        if mode == "drop":
            self.close_connection = True
            self.connection.close()
            return
        answers = {
            "bad": (400, {"errors": [{"message": "Invalid email", "field": "from"}]}),
            "too_large": (413, {"errors": [{"message": "too large"}]}),
            "unauthorized": (401, {"errors": [{"message": "bad API key"}]}),
            "forbidden": (403, {"errors": [{"message": "sender not verified"}]}),
            "down": (500, {"errors": [{"message": "internal error"}]}),
        }
        if mode == "rate_limited":
            self._reply(429, {"errors": [{"message": "too many requests"}]},
                        {"X-RateLimit-Reset": str(int(time.time()) + server.reset_in)})
        elif mode in answers:
            self._reply(*answers[mode])
        else:
            with server.lock:
                server.accepted.append(body)
            self.send_response(202)
            self.send_header("X-Message-Id", f"sg-{len(server.accepted)}")
            self.send_header("Content-Length", "0")
            self.end_headers()

    def _reply(self, status, payload, headers=None):
        barrier = self.server.barrier
        if status == 429 and barrier is not None:
            barrier.wait(timeout=20)
        data = json.dumps(payload).encode()
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


class FakeSendGrid(ThreadingHTTPServer):
    daemon_threads = True
    # socketserver's default backlog of 5 overflows when dozens of worker threads connect at
    # once (bench/delivery.py with 2 x 16 threads), and the kernel then resets connections
    # that carried a request: letters left "sending", outcome unknown, by the test double
    # itself. The real SendGrid does not refuse connections that way.
    request_queue_size = 128

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.lock = threading.Lock()
        self.received: list = []
        self.accepted: list = []
        self.script: list[str] = []
        self.mode = "ok"
        self.slow_seconds = 2.0
        self.reset_in = 30
        self.barrier: threading.Barrier | None = None
        # shutdown() waits for the loop's next look at its flag: every test using this server
        # waits that long when it ends (socketserver's default is half a second).
        self._thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.02},
                                        daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def settings(self, timeout: float = 10.0) -> dict:
        """The app's configuration (`make_config`, `Config`) for sending through this server."""
        return dict(mail_backend="sendgrid", sendgrid_api_key="SG.test",
                    sendgrid_api_host=self.url, sendgrid_timeout_seconds=timeout)

    def start(self) -> FakeSendGrid:
        self._thread.start()
        return self

    def stop(self) -> None:
        if self.barrier is not None:
            self.barrier.abort()
        self.shutdown()
        self.server_close()

    @property
    def received_bodies(self) -> list[dict]:
        return [body for _path, _headers, body in self.received]

    @staticmethod
    def letter_ids(bodies) -> Counter:
        """How often each letter id was sent (from the custom args)."""
        return Counter(body.get("custom_args", {}).get("letter_id") for body in bodies
                       if body.get("custom_args", {}).get("letter_id"))


def new_signing_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def public_key_text(key: ec.EllipticCurvePrivateKey) -> str:
    """The key as SendGrid's settings page shows it, for SENDGRID_WEBHOOK_PUBLIC_KEY."""
    der = key.public_key().public_bytes(serialization.Encoding.DER,
                                        serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(der).decode("ascii")


def sign(key: ec.EllipticCurvePrivateKey, body: bytes, timestamp: str) -> str:
    """The signature header's value; a timestamp with lone surrogates is signed as raw bytes."""
    signed = timestamp.encode("utf-8", "surrogatepass") + body
    return base64.b64encode(key.sign(signed, ec.ECDSA(hashes.SHA256()))).decode("ascii")
