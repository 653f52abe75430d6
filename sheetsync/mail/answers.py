"""What an SMTP server's answer means: worth another try, and the sentence that says so.

Pure, although it reads smtplib's and ssl's exceptions: ``classify`` (worth another try?),
``backoff_delays`` and the sentences for a refused message or a failed connection belong to
the SMTP conversation, not to the email. The SMTP transport and ``doctor`` (through the
transport's ``probe``) say the same sentences.
"""

from __future__ import annotations

import smtplib
import ssl
from datetime import datetime

from sheetsync.model import Delivery, Message, SmtpSettings

MAX_BACKOFF = 30.0  # seconds: no single wait between two tries is longer


def backoff_delays(retries: int, backoff: float) -> tuple[float, ...]:
    """The waits before each retry: backoff, 2*backoff, 4*backoff, ... each at most MAX_BACKOFF."""
    return tuple(min(backoff * 2**i, MAX_BACKOFF) for i in range(max(retries, 0)))


def reply_text(code: int, text: bytes | str) -> str:
    words = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return " ".join(f"{code} {words}".split())[:200]


def classify(exc: BaseException) -> tuple[bool, str]:
    """(worth another try, what the server said) for an smtplib or socket failure."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        replies = exc.recipients.items()
        temporary = all(not 500 <= code < 600 for code, _ in exc.recipients.values())
        return temporary, "; ".join(f"{addr}: {reply_text(c, t)}" for addr, (c, t) in replies)
    if isinstance(exc, smtplib.SMTPResponseException):
        return not 500 <= exc.smtp_code < 600, reply_text(exc.smtp_code, exc.smtp_error)
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return True, "the server closed the connection"
    if isinstance(exc, smtplib.SMTPException | ssl.SSLError) or not isinstance(exc, OSError):
        return False, getattr(exc, "reason", None) or str(exc) or type(exc).__name__
    return True, exc.strerror or str(exc) or type(exc).__name__  # refused, timed out, no route


def connection_lost(exc: BaseException) -> bool:
    """True for a dropped or broken connection (smtplib's own errors are OSErrors too)."""
    return isinstance(exc, smtplib.SMTPServerDisconnected) or (
        isinstance(exc, OSError) and not isinstance(exc, smtplib.SMTPException)
    )


def refusal_sentence(exc: BaseException, reason: str) -> str:
    """The Delivery detail for a message the server refused for good."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return f"The mail server refused every recipient ({reason}); correct the addresses."
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return (f"The mail server refused the sender {exc.sender} ({reason}); set SHEETSYNC_FROM "
                f"to an address this server may send from.")
    return (f"The mail server refused the email ({reason}); check its addresses and content "
            f"before sending it again.")


def partial_sentence(refused: dict[str, tuple[int, bytes]]) -> str:
    """The Delivery detail when some recipients were refused and the others got the email."""
    who = ", ".join(f"{addr} ({reply_text(c, t)})" for addr, (c, t) in refused.items())
    return f"The mail server refused {who} while the others got the email; correct those addresses."


def failed(msg: Message, detail: str) -> Delivery:
    """A message that was not sent, and why."""
    return Delivery(message_id=msg.message_id, result="failed", detail=detail)


def local_now() -> datetime:
    return datetime.now().astimezone()


def connect_failure(s: SmtpSettings, exc: BaseException, *, oauth2: bool = False
                    ) -> tuple[bool, str]:
    """(worth another try, one sentence) for a failure while connecting, securing the
    connection or logging in: what happened and what to change."""
    temporary, reason = classify(exc)
    where = s.where
    if isinstance(exc, ssl.SSLCertVerificationError):
        return False, (f"The TLS certificate of the mail server at {where} could not be verified "
                       f"({exc.verify_message}); set SHEETSYNC_SMTP_HOST to the name on its "
                       f"certificate.")
    if isinstance(exc, ssl.SSLError):
        return False, (f"TLS with the mail server at {where} failed ({reason}); check "
                       f"SHEETSYNC_SMTP_SECURITY and SHEETSYNC_SMTP_PORT (ssl is usually port "
                       f"465, starttls 587).")
    if isinstance(exc, smtplib.SMTPNotSupportedError) and "STARTTLS" in str(exc):
        return False, (f"The mail server at {where} does not offer STARTTLS; set "
                       f"SHEETSYNC_SMTP_SECURITY to ssl or none, or use another port.")
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return False, (f"The mail server at {where} does not offer a login on this connection; "
                       f"set SHEETSYNC_SMTP_SECURITY to starttls or ssl, or leave "
                       f"SHEETSYNC_SMTP_USER empty.")
    if temporary and isinstance(exc, smtplib.SMTPResponseException):
        return True, (f"The mail server at {where} answered '{reason}'; try again later, or "
                      "check the SMTP settings with your mail provider.")
    if temporary:
        return True, (f"The mail server at {where} could not be reached ({reason}); check "
                      "SHEETSYNC_SMTP_HOST and SHEETSYNC_SMTP_PORT, and that the server is up.")
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        what = (f"the OAuth2 file {s.oauth2_file}" if oauth2 else
                "SHEETSYNC_SMTP_PASSWORD (for Gmail, an app password)")
        return False, (f"The mail server at {where} refused the login of {s.user!r} ({reason}); "
                       f"check SHEETSYNC_SMTP_USER and {what}.")
    return False, (f"The mail server at {where} refused the connection ({reason}); check "
                   f"SHEETSYNC_SMTP_HOST and SHEETSYNC_SMTP_PORT.")
