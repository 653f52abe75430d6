"""What ``inbox`` needs from the host: the IMAP mailbox (CONTRACT section 5) and the key
that signs reply tokens (section 6).

The mailbox comes from the environment (``SHEETSYNC_IMAP_HOST`` and the rest); without
``SHEETSYNC_IMAP_HOST`` there is no inbox and ``run`` does not read one. The signing key
is ``SHEETSYNC_SECRET`` when set, else a random key kept in ``<state dir>/reply-key``,
created once with mode 600. Losing that file makes every button already sent stop
working (their replies are then ignored as forged), so it belongs in the backups.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sheetsync.errors import ConfigError
from sheetsync.host.places import private_dir
from sheetsync.mailboxes import ImapSettings

KEY_FILE = "reply-key"
SHORT_SECRET = 16  # characters: a shorter SHEETSYNC_SECRET still signs, doctor says to lengthen it
SECURITIES = ("ssl", "starttls", "none")


def inbox_settings(env: Mapping[str, str] | None = None) -> ImapSettings | None:
    """The sheetsync mailbox, or None when ``SHEETSYNC_IMAP_HOST`` is not set."""
    env = os.environ if env is None else env
    host = env.get("SHEETSYNC_IMAP_HOST", "").strip()
    if not host:
        return None
    port = env.get("SHEETSYNC_IMAP_PORT", "").strip()
    if port and (not port.isdigit() or not 0 < int(port) < 65536):
        raise ConfigError(f"SHEETSYNC_IMAP_PORT is {port!r}; set it to a port number such as "
                          "993.")
    security = env.get("SHEETSYNC_IMAP_SECURITY", "ssl").strip().lower() or "ssl"
    if security not in SECURITIES:
        raise ConfigError(f"SHEETSYNC_IMAP_SECURITY is {security!r}; set it to ssl, starttls "
                          "or none.")
    user = env.get("SHEETSYNC_IMAP_USER", "").strip()
    if not user:
        raise ConfigError("SHEETSYNC_IMAP_HOST is set but SHEETSYNC_IMAP_USER is not; set it "
                          "to the sheetsync mailbox's login.")
    return ImapSettings(host=host, port=int(port) if port else None, security=security,
                         user=user, password=env.get("SHEETSYNC_IMAP_PASSWORD", ""),
                         folder=env.get("SHEETSYNC_IMAP_FOLDER", "").strip() or "INBOX",
                         address=env.get("SHEETSYNC_INBOX_ADDRESS", "").strip(),
                         oauth2_file=env.get("SHEETSYNC_IMAP_OAUTH2_FILE", "").strip())


@dataclass(frozen=True)
class Secret:
    key: bytes
    where: str  # "SHEETSYNC_SECRET" or the key file's path
    created: bool = False


def signing_key(state_dir: str | os.PathLike[str], env: Mapping[str, str] | None = None, *,
                create: bool = True) -> Secret | None:
    """The key that signs reply tokens; the key file is made (0600) when missing and
    ``create`` is true, else None is returned for a missing one."""
    env = os.environ if env is None else env
    given = env.get("SHEETSYNC_SECRET", "")
    if given.strip():  # any value signs (CONTRACT §5); doctor asks for SHORT_SECRET or more
        return Secret(given.strip().encode(), "SHEETSYNC_SECRET")
    path = Path(state_dir) / KEY_FILE
    try:
        return Secret(bytes.fromhex(path.read_text(encoding="ascii").strip()), str(path))
    except FileNotFoundError:
        if not create:
            return None
    except (OSError, ValueError) as exc:
        raise ConfigError(f"the reply key file {path} cannot be read ({exc}); restore it from "
                          "a backup, or set SHEETSYNC_SECRET.") from exc
    try:
        private_dir(path.parent)  # a state folder is 0700, whoever makes it first
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return signing_key(state_dir, env, create=False)
    except OSError as exc:
        raise ConfigError(f"the reply key file {path} cannot be created ({exc.strerror}); set "
                          "SHEETSYNC_STATE_DIR to a folder this user can write.") from exc
    key = secrets.token_bytes(32)
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(key.hex() + "\n")
        out.flush()
        os.fsync(out.fileno())
    return Secret(key, str(path), created=True)
