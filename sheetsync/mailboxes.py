"""The mail servers' settings (CONTRACT §5): ``SmtpSettings`` for sending (``SHEETSYNC_SMTP_*``,
filled by ``host/config.py``, used by the SMTP edge) and ``ImapSettings`` for the sheetsync
mailbox (``SHEETSYNC_IMAP_*``, filled by ``host/inbox_config.py``, used by ``mail/imap.py``).
Base layer: both edges may import it (``model`` re-exports ``SmtpSettings``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sheetsync.errors import ConfigError

DEFAULT_PORTS = {"ssl": 465, "starttls": 587, "none": 25}


@dataclass(frozen=True)
class SmtpSettings:
    """The SMTP server (CONTRACT §5), from the config to the mail edge. ``port`` None: the
    usual one; ``user`` "": no login; ``oauth2_file``: Gmail OAuth2 instead of a password."""

    host: str = ""
    port: int | None = None
    security: str = "starttls"
    user: str = ""
    password: str = ""
    oauth2_file: str = ""
    timeout: float = 30.0

    def checked(self) -> SmtpSettings:
        """Ready to use (port filled in), or a ConfigError that says what to set."""
        security = self.security.strip().lower()
        if security not in DEFAULT_PORTS:
            raise ConfigError(f"Set SHEETSYNC_SMTP_SECURITY to ssl, starttls or none "
                              f"(it is {self.security!r}).")
        if self.port is not None and not 0 < self.port < 65536:
            raise ConfigError(f"Set SHEETSYNC_SMTP_PORT to a port number from 1 to 65535 "
                              f"(it is {self.port}).")
        if self.timeout <= 0:
            raise ConfigError(f"Set the SMTP timeout to a positive number (it is {self.timeout}).")
        if self.oauth2_file and not self.user:
            raise ConfigError("Set SHEETSYNC_SMTP_USER to the Gmail address the OAuth2 file "
                              "belongs to.")
        return replace(self, security=security, port=self.port or DEFAULT_PORTS[security])

    @property
    def where(self) -> str:
        """``host:port``, as shown in messages."""
        return f"{self.host}:{self.port or DEFAULT_PORTS.get(self.security, '')}"


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
