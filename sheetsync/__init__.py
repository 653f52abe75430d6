"""sheetsync: a shared spreadsheet as the source of truth for a client project.

Layers (imports point down only): cli -> jobs -> pipeline -> edges (backends, mail,
ledger, config) -> core (schema, cells, parse, rules, impact, report, render) -> base
(model, errors).
"""

__version__ = "0.1.0"
