"""How fast the mail edge sends, against yagmail's own ``send()`` as the floor.

Run from the repository root::

    .venv/bin/python -m benchmarks.bench_mail [N]

Starts the loopback SMTP server of tests/fixtures_smtp.py and sends N (default 200) small
multipart emails three ways: through ``SmtpTransport`` in one ``with`` block, and through
``yagmail.SMTP(...).send()`` one call per email (its defaults, then ``prettify_html=False``
to leave premailer out). It does so twice: on a plain server without login, then with
implicit TLS and a login, which is what a real provider asks for. It prints emails/s and
the SMTP connections the server saw, and the ratios.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import yagmail

from sheetsync.mail.transport import SmtpSettings, SmtpTransport
from sheetsync.model import Message
from tests.fixtures_smtp import (
    LoopbackSmtpServer,
    self_signed_certificate,
    server_tls_context,
    start_smtp_server,
)

USER, PASSWORD = "pm@agency.example", "bench-password"


def small_message(n: int) -> Message:
    return Message(
        project="Bench",
        sender=USER,
        to=("client@acme.example",),
        cc=(USER,),
        reply_to=USER,
        subject=f"Bench: weekly report {n}",
        text=f"Summary\n\nOn track, report {n}.\n",
        html=f"<html><body><h1>Summary</h1><p>On track, report {n}.</p></body></html>",
        message_id=f"<bench-{n}@sheetsync.example>",
    )


def measure(server: LoopbackSmtpServer, n: int, run: Callable[[], None]) -> tuple[float, int]:
    """(emails per second, connections the server saw) for one run of ``n`` emails."""
    server.reset()
    start = time.perf_counter()
    run()
    seconds = time.perf_counter() - start
    assert len(server.messages) == n, f"the server got {len(server.messages)} of {n} emails"
    return n / seconds, server.connections


@contextmanager
def server_for(tls: bool) -> Iterator[LoopbackSmtpServer]:
    if not tls:
        with start_smtp_server() as server:
            yield server
        return
    with tempfile.TemporaryDirectory() as folder:
        cert, key = self_signed_certificate(Path(folder))
        old = os.environ.get("SSL_CERT_FILE")
        os.environ["SSL_CERT_FILE"] = str(cert)  # SmtpTransport verifies; yagmail does not
        try:
            with start_smtp_server(users={USER: PASSWORD}, tls="ssl",
                                   tls_context=server_tls_context(cert, key)) as server:
                yield server
        finally:
            if old is None:
                del os.environ["SSL_CERT_FILE"]
            else:
                os.environ["SSL_CERT_FILE"] = old


def scenario(n: int, tls: bool) -> None:
    messages = [small_message(i) for i in range(n)]
    with server_for(tls) as server:
        settings = SmtpSettings(host=server.host, port=server.port,
                                security="ssl" if tls else "none",
                                user=USER if tls else "", password=PASSWORD if tls else "")

        def ours() -> None:
            with SmtpTransport(settings) as transport:
                for msg in messages:
                    assert transport.send(msg).result == "sent"

        def yagmail_send(prettify: bool) -> Callable[[], None]:
            def run() -> None:
                yag = yagmail.SMTP(user=USER, password=PASSWORD, host=server.host,
                                   port=server.port, smtp_ssl=tls, smtp_starttls=False,
                                   smtp_skip_login=not tls)
                for msg in messages:
                    yag.send(to=list(msg.to), cc=list(msg.cc), subject=msg.subject,
                             contents=[msg.text, msg.html], prettify_html=prettify)
                yag.close()

            return run

        rows = [
            ("SmtpTransport, one with block", measure(server, n, ours)),
            ("yagmail send() per email", measure(server, n, yagmail_send(True))),
            ("yagmail send(prettify_html=False)", measure(server, n, yagmail_send(False))),
        ]
    print(f"{n} small multipart emails, loopback aiosmtpd, "
          f"{'implicit TLS + login' if tls else 'plain, no login'}:")
    for label, (rate, connections) in rows:
        print(f"  {label:36} {rate:8.1f} emails/s {connections:5d} connections")
    base = rows[0][1][0]
    print(f"  ratio: {base / rows[1][1][0]:.1f}x yagmail's default send(), "
          f"{base / rows[2][1][0]:.1f}x send() without premailer")


def main(n: int = 200) -> None:
    scenario(n, tls=False)
    scenario(n, tls=True)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
