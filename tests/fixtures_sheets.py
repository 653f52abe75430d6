"""Fixtures for the loopback Sheets API emulator (``tests/sheets_emulator.py``).

- ``sheets_emulator``: a running ``SheetsEmulator`` (a real HTTP server on 127.0.0.1).
- ``service_account_key``: a service-account key file with a fresh RSA key, registered with
  the emulator, whose ``token_uri`` is the emulator's, so google-auth signs a real JWT.
- ``service_account_email``: that key's ``client_email``.
- ``gsheets_env``: ``SHEETSYNC_CREDENTIALS`` and ``SHEETSYNC_SHEETS_ENDPOINT`` set for the
  test, so ``sheetsync`` commands given ``gsheet:<id>`` talk to the emulator.
- ``gspread_client``: an unmodified ``gspread.Client`` pointed at the emulator.
- ``open_sheet``: ``open_sheet("gsheet:<id>")`` -> a ``GoogleSheet`` on the emulator whose
  retries do not sleep.
- ``hung_endpoint``: the URL of a loopback socket that accepts connections and never
  answers (a Sheets API that hangs).
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import gspread
import pytest
from google.oauth2.service_account import Credentials

from sheetsync.backends.gsheets import GoogleSheet
from sheetsync.backends.gsheets_http import SCOPES, RetryPolicy, SheetsHTTPClient
from tests.sheets_emulator import SheetsEmulator

SERVICE_ACCOUNT = "sheetsync-bot@sheetsync-test.iam.gserviceaccount.com"


@pytest.fixture
def sheets_emulator() -> Iterator[SheetsEmulator]:
    with SheetsEmulator() as emulator:
        yield emulator


@pytest.fixture
def service_account_key(sheets_emulator: SheetsEmulator, tmp_path: Path) -> Path:
    path = tmp_path / "service-account.json"
    sheets_emulator.make_service_account_key(path, SERVICE_ACCOUNT)
    return path


@pytest.fixture
def service_account_email(service_account_key: Path) -> str:
    return SERVICE_ACCOUNT


@pytest.fixture
def gsheets_env(monkeypatch: pytest.MonkeyPatch, sheets_emulator: SheetsEmulator,
                service_account_key: Path) -> SheetsEmulator:
    monkeypatch.setenv("SHEETSYNC_CREDENTIALS", str(service_account_key))
    monkeypatch.setenv("SHEETSYNC_SHEETS_ENDPOINT", sheets_emulator.url)
    return sheets_emulator


@pytest.fixture
def gspread_client(sheets_emulator: SheetsEmulator, service_account_key: Path) -> gspread.Client:
    creds = Credentials.from_service_account_file(str(service_account_key), scopes=SCOPES)
    client = gspread.Client(auth=creds, http_client=SheetsHTTPClient)
    http = client.http_client
    assert isinstance(http, SheetsHTTPClient)
    http.endpoint = sheets_emulator.url
    http.sleep = lambda seconds: None
    return client


@pytest.fixture
def open_sheet(sheets_emulator: SheetsEmulator,
               service_account_key: Path) -> Callable[..., GoogleSheet]:
    def opener(source: str, **kwargs: Any) -> GoogleSheet:
        kwargs.setdefault("sleep", lambda seconds: None)
        kwargs.setdefault("retry", RetryPolicy(max_tries=4, max_total_wait=60))
        return GoogleSheet.open(source, credentials=service_account_key,
                                endpoint=sheets_emulator.url, **kwargs)
    return opener


@pytest.fixture
def hung_endpoint() -> Iterator[str]:
    """A server that accepts every connection, reads nothing, and never answers."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    server.settimeout(0.1)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except (TimeoutError, OSError):
                continue
            held.append(conn)

    thread = threading.Thread(target=accept, name="hung-endpoint", daemon=True)
    thread.start()
    host, port = server.getsockname()[:2]
    try:
        yield f"http://{host}:{port}"
    finally:
        stop.set()
        thread.join(timeout=5)
        for conn in held:
            conn.close()
        server.close()
