"""The host edge: the settings (config file and environment) and the state dir (the send-
once ledger and locks).
"""
