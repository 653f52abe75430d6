"""``doctor``'s checks of the reply buttons: the key that signs them, and the mailbox."""

from __future__ import annotations

from dataclasses import replace

from sheetsync.core.findings import Finding
from sheetsync.errors import SheetsyncError
from sheetsync.host import config
from sheetsync.host.inbox_config import SHORT_SECRET, inbox_settings, signing_key


def check_inbox(cfg: config.Config) -> list[Finding]:
    """Which key signs the buttons (and what losing it means), and an IMAP login."""
    try:
        box = inbox_settings()
    except SheetsyncError as exc:
        return [Finding(False, f"Replies: {exc}")]
    if box is None:
        return [Finding(True, "Replies: no sheetsync mailbox (SHEETSYNC_IMAP_HOST is not set), "
                              "so emails carry no reply buttons and inbox has nothing to read.")]
    out: list[Finding] = []
    try:
        key = signing_key(cfg.state_dir, create=False)
    except SheetsyncError as exc:
        return [Finding(False, f"Replies: {exc}")]
    if key is None:
        out.append(Finding(True, f"Replies: the buttons will be signed with a key file that "
                                 f"the first run creates in {cfg.state_dir} (mode 600); back it "
                                 "up: losing it makes every button already sent stop working."))
    elif key.where == "SHEETSYNC_SECRET" and len(key.key) < SHORT_SECRET:
        return [Finding(False, f"Replies: SHEETSYNC_SECRET is shorter than {SHORT_SECRET} "
                               "characters, so the buttons' signatures are easier to guess; "
                               "use a long random value (e.g. from `openssl rand -hex 32`).")]
    elif key.where == "SHEETSYNC_SECRET":
        out.append(Finding(True, "Replies: the buttons are signed with SHEETSYNC_SECRET; "
                                 "changing it makes every button already sent stop working."))
    else:
        out.append(Finding(True, f"Replies: the buttons are signed with the key file "
                                 f"{key.where}; back it up: losing it makes every button "
                                 "already sent stop working (their replies are ignored)."))
    from sheetsync.mail.imap import ImapInbox

    try:
        with ImapInbox(replace(box, timeout=15)):
            pass
    except SheetsyncError as exc:
        out.append(Finding(False, f"Replies: {exc}"))
    else:
        out.append(Finding(True, f"Replies: logged in to {box.where} as {box.user} and "
                                 f"opened {box.folder}; replies go to "
                                 f"{box.address or cfg.inbox_address or cfg.sender or box.user}."))
    return out
