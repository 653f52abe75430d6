"""From the settings to a run's ``Context``: which transport, which sender, which ledger."""

from __future__ import annotations

from datetime import datetime

from sheetsync.errors import ConfigError, PermanentDeliveryError
from sheetsync.host.config import Config
from sheetsync.host.facts import Facts
from sheetsync.host.inbox_config import inbox_settings, signing_key
from sheetsync.host.ledger import Ledger
from sheetsync.mail import transport as mail
from sheetsync.mail.mime import sender_mailbox
from sheetsync.mail.transport import Transport
from sheetsync.shell.context import Context
from sheetsync.shell.pipeline import opener
from sheetsync.shell.team_reads import TeamReads


def transport_for(cfg: Config) -> Transport:
    """The outbox when SHEETSYNC_OUTBOX is set or no SMTP host is, else SMTP (CONTRACT §5)."""
    if cfg.uses_outbox:
        return mail.open_transport(None, cfg.outbox_dir)
    sender_for(cfg)  # no SMTP send without a From address
    return mail.open_transport(cfg.smtp, None)


def sender_for(cfg: Config) -> str:
    """The From address: SHEETSYNC_FROM, else the SMTP login, else a local one for the outbox.
    A From that is not one mailbox (``mime.sender_mailbox``) is a configuration error."""
    if cfg.sender:
        try:
            sender_mailbox(cfg.sender)
        except PermanentDeliveryError:
            raise ConfigError(f"the From address {cfg.sender!r} is not one mailbox; set "
                              "SHEETSYNC_FROM (or from = \"...\" in sheetsync.toml) to an address "
                              "like pm@example.com or Name <pm@example.com>.") from None
        return cfg.sender
    if "@" in cfg.smtp.user:
        return cfg.smtp.user
    if cfg.uses_outbox:
        return "sheetsync@localhost"
    raise ConfigError("no sender address; set SHEETSYNC_FROM (or from = \"...\" in "
                      "sheetsync.toml) to the address client emails come from.")


def context_for(cfg: Config, now: datetime) -> Context:
    """Everything one run hands to each project's flow, from the settings; with a sheetsync
    mailbox (SHEETSYNC_IMAP_HOST), the key and address of the reply buttons too."""
    sender = sender_for(cfg)
    box = inbox_settings()
    key = signing_key(cfg.state_dir) if box is not None else None
    ledger = Ledger(cfg.state_dir)
    return Context(open_source=opener(cfg), ledger=ledger,
                   transport=transport_for(cfg), now=now, sender=sender, digest=cfg.digest,
                   reply_key=key.key if key else b"",
                   reply_address=(box.address or cfg.inbox_address or sender) if box else "",
                   facts=Facts(cfg.state_dir) if cfg.skip_unchanged else None,
                   agency_reads=TeamReads(ledger, now, cfg.digest))
