"""The mail edge: the pure email (``mime``) and the transports that send it (SMTP, outbox).
"""
