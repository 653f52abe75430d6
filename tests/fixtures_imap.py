"""A real IMAP server on 127.0.0.1 (pymap's in-memory ``dict`` backend), and replies built
the way a client's mail program builds them from a ``mailto:`` link.

``imap_server`` is a session fixture: one pymap process; each test takes its own folder
(``server.new_folder()``), so tests never see each other's mail. ``start_imap_server()`` is
the same as a context manager for benchmarks and scripts.

``client_reply()`` turns a ``mailto:`` URL into the bytes a mail program sends: the subject
and body taken from the link (RFC 6068 decoding), ``Re:`` in front, the client's words
typed above the prefilled text, a signature and quoted history below. ``dkim_signer()``
signs such bytes with a fresh test key and gives the DNS function that knows its key.
"""

from __future__ import annotations

import base64
import itertools
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import formatdate, make_msgid
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import dkim
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from imap_tools import AND, MailBoxUnencrypted

USER, PASSWORD = "replies@agency.example", "imap-test-password"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class ImapServer:
    host: str
    port: int
    user: str = USER
    password: str = PASSWORD
    folder: str = "INBOX"
    _names = itertools.count(1)

    def box(self) -> MailBoxUnencrypted:
        box = MailBoxUnencrypted(self.host, self.port, timeout=10)
        box.login(self.user, self.password, initial_folder=None)
        return box

    def new_folder(self) -> str:
        """A fresh, empty folder, made the folder this server's helpers use."""
        self.folder = f"T{os.getpid()}x{next(self._names)}"
        with self.box() as box:
            box.folder.create(self.folder)
        return self.folder

    def append(self, *messages: bytes) -> None:
        """Deliver messages into the folder, unseen, with IMAP APPEND (one session)."""
        with self.box() as box:
            for raw in messages:
                box.append(raw, self.folder)

    def unseen(self) -> list[str]:
        with self.box() as box:
            box.folder.set(self.folder)
            return box.uids(AND(seen=False))

    def count(self) -> int:
        with self.box() as box:
            box.folder.set(self.folder)
            return len(box.uids("ALL"))

    def env(self) -> dict[str, str]:
        return {"SHEETSYNC_IMAP_HOST": self.host, "SHEETSYNC_IMAP_PORT": str(self.port),
                "SHEETSYNC_IMAP_SECURITY": "none", "SHEETSYNC_IMAP_USER": self.user,
                "SHEETSYNC_IMAP_PASSWORD": self.password, "SHEETSYNC_IMAP_FOLDER": self.folder}


def _pymap() -> list[str]:
    found = shutil.which("pymap") or str(Path(sys.executable).with_name("pymap"))
    return [found]


@contextmanager
def start_imap_server() -> Iterator[ImapServer]:
    port = _free_port()
    proc = subprocess.Popen(
        [*_pymap(), "--host", "127.0.0.1", "--port", str(port), "--no-tls", "dict",
         "--demo-user", USER, "--demo-password", PASSWORD],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    err = proc.stderr.read().decode() if proc.stderr else ""
                    raise RuntimeError(f"pymap did not start: {err[-500:]}") from None
                time.sleep(0.1)
        yield ImapServer("127.0.0.1", port)
    finally:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="session")
def imap_server_process() -> Iterator[ImapServer]:
    with start_imap_server() as server:
        yield server


@pytest.fixture
def imap_server(imap_server_process: ImapServer) -> ImapServer:
    imap_server_process.new_folder()
    return imap_server_process


# --------------------------------------------------------------------------- replies


def parse_mailto(url: str) -> tuple[str, str, str]:
    """(address, subject, body) of a ``mailto:`` URL, decoded as RFC 6068 says."""
    parts = urlsplit(url)
    assert parts.scheme == "mailto", url
    query = parse_qs(parts.query, keep_blank_values=True)
    return (unquote(parts.path), query.get("subject", [""])[0], query.get("body", [""])[0])


def client_reply(mailto: str, sender: str, words: str = "", *, name: str = "Ann Lee",
                 history: str = "", prefix: str = "Re: ", charset: str = "utf-8",
                 html_only: bool = False, message_id: str | None = None,
                 extra_headers: tuple[tuple[str, str], ...] = ()) -> bytes:
    """The bytes a client's mail program sends after the button: the link's subject and
    body, ``prefix`` before the subject, ``words`` typed on the body's empty line (or
    above it), a signature, and ``history`` quoted with ``>`` below."""
    to, subject, body = parse_mailto(mailto)
    text = body.rstrip("\n") + "\n" + words + "\n"
    text += f"\n-- \n{name}\n"
    if history:
        text += "\nOn Fri, 27 Nov 2026, Agency PM wrote:\n" + "".join(
            f"> {line}\n" for line in history.splitlines())
    msg = EmailMessage(policy=SMTP_POLICY)
    msg["From"] = f"{name} <{sender}>"
    msg["To"] = to
    msg["Subject"] = prefix + subject
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = message_id or make_msgid(domain=sender.rsplit("@", maxsplit=1)[-1])
    for key, value in extra_headers:
        msg[key] = value
    if html_only:
        html = "".join(f"<div>{line}</div>" for line in text.splitlines())
        msg.set_content(f"<html><body>{html}</body></html>", subtype="html", charset=charset)
    else:
        msg.set_content(text, charset=charset)
    return msg.as_bytes()


@dataclass(frozen=True)
class DkimSigner:
    domain: str
    selector: str
    private_pem: bytes
    public_b64: str

    def sign(self, raw: bytes) -> bytes:
        sig = dkim.sign(raw, self.selector.encode(), self.domain.encode(), self.private_pem,
                        include_headers=[b"From", b"To", b"Subject", b"Message-ID", b"Date"])
        return sig + raw

    def dns(self) -> Callable[..., bytes | None]:
        name = f"{self.selector}._domainkey.{self.domain}."

        def lookup(qname: bytes | str, timeout: int = 5) -> bytes | None:
            q = qname.decode() if isinstance(qname, bytes) else qname
            return f"v=DKIM1; k=rsa; p={self.public_b64}".encode() if q == name else None

        return lookup


def dkim_signer(domain: str = "client.example", selector: str = "test") -> DkimSigner:
    key = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    private = key.private_bytes(serialization.Encoding.PEM,
                                serialization.PrivateFormat.TraditionalOpenSSL,
                                serialization.NoEncryption())
    public = key.public_key().public_bytes(serialization.Encoding.DER,
                                           serialization.PublicFormat.SubjectPublicKeyInfo)
    return DkimSigner(domain, selector, private, base64.b64encode(public).decode())
