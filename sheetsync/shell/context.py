"""The outside world of one run (``Context``), handed to every project's flow."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from sheetsync.core.digest import DigestSchedule
from sheetsync.host.facts import Facts
from sheetsync.host.ledger import Ledger
from sheetsync.shell.pipeline import Opener

if TYPE_CHECKING:  # only a type here: `check` does not load the mail stack
    from sheetsync.mail.transport import Transport
    from sheetsync.shell.team_reads import TeamReads


@dataclass(frozen=True)
class Context:
    """How a run reaches the sheets, the state dir and the mail, and the moment it runs at."""

    open_source: Opener
    ledger: Ledger
    transport: Transport
    now: datetime
    sender: str
    nonce: Callable[[], str] = field(default=lambda: secrets.token_hex(6))
    digest: DigestSchedule | None = None  # the [digest] section: who gets it, and when
    reply_key: bytes = b""  # signs the reply buttons; b"": no sheetsync mailbox, no buttons
    reply_address: str = ""  # where a button's reply goes (the sheetsync mailbox)
    facts: Facts | None = None  # set: skip reading unchanged projects with nothing due
    # set with facts: whether the jobs over every project need this one read in this run
    agency_reads: TeamReads | None = None
