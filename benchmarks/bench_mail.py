"""How fast the mail edge sends, against yagmail's own ``send()`` as the floor.

Run from the repository root::

    .venv/bin/python -m benchmarks.bench_mail [N]

Starts the loopback SMTP server of tests/fixtures_smtp.py, sends N (default 200) small
multipart emails through ``SmtpTransport`` in one ``with`` block, then N through
``yagmail.SMTP(...).send()`` one call per email (its default, with premailer, and with
``prettify_html=False``), and prints emails/s and the SMTP connections each opened.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

import yagmail

from sheetsync.mail import SmtpSettings, SmtpTransport
from sheetsync.model import Message
from tests.fixtures_smtp import LoopbackSmtpServer, start_smtp_server


def small_message(n: int) -> Message:
    return Message(
        project="Bench",
        sender="pm@agency.example",
        to=("client@acme.example",),
        cc=("pm@agency.example",),
        reply_to="pm@agency.example",
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


def main(n: int = 200) -> None:
    messages = [small_message(i) for i in range(n)]
    with start_smtp_server() as server:
        settings = SmtpSettings(host=server.host, port=server.port, security="none")

        def sheetsync_run() -> None:
            with SmtpTransport(settings) as transport:
                for msg in messages:
                    assert transport.send(msg).result == "sent"

        def yagmail_run(prettify: bool) -> Callable[[], None]:
            def run() -> None:
                yag = yagmail.SMTP(user="pm@agency.example", host=server.host, port=server.port,
                                   smtp_ssl=False, smtp_starttls=False, smtp_skip_login=True)
                for msg in messages:
                    yag.send(to=list(msg.to), cc=list(msg.cc), subject=msg.subject,
                             contents=[msg.text, msg.html], prettify_html=prettify)
                yag.close()
            return run

        ours = measure(server, n, sheetsync_run)
        floor = measure(server, n, yagmail_run(prettify=True))
        bare = measure(server, n, yagmail_run(prettify=False))

    print(f"{n} small multipart emails to a loopback aiosmtpd server")
    print(f"  SmtpTransport, one with block      {ours[0]:8.1f} emails/s  {ours[1]:4d} connections")
    print(f"  yagmail send() per email (default) {floor[0]:8.1f} emails/s  {floor[1]:4d} connections")
    print(f"  yagmail send(prettify_html=False)  {bare[0]:8.1f} emails/s  {bare[1]:4d} connections")
    print(f"  ratio SmtpTransport / yagmail default: {ours[0] / floor[0]:.1f}x, "
          f"/ yagmail without premailer: {ours[0] / bare[0]:.1f}x")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
