"""The sheetsync mailbox's settings (CONTRACT §5, ``SHEETSYNC_IMAP_*``): one type, filled by
``host/inbox_config.py`` from the environment and used by the IMAP edge (``mail/imap.py``),
as ``model.SmtpSettings`` is for sending. Base layer: both edges may import it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ImapSettings:
    host: str
    port: int | None = None
    security: str = "ssl"
    user: str = ""
    password: str = ""
    folder: str = "INBOX"
    timeout: float = 30.0
    oauth2_file: str = ""  # a yagmail OAuth2 file (Gmail): XOAUTH2 instead of a password
    address: str = ""  # where the buttons' replies go; "" = the From address

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port or self.default_port} ({self.security})"

    @property
    def default_port(self) -> int:
        return 993 if self.security == "ssl" else 143
