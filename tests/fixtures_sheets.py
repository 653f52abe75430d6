"""Fixtures for the loopback Sheets API emulator (filled in by the Google Sheets work)."""
