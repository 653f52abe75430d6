"""The pure core: the sheet's names, cell reading, flags, schedule impact, the report model
and the calendar rules. No clock, no file, no network; imports only ``sheetsync.model``,
``sheetsync.errors`` and ``sheetsync.lang``.
"""
