"""sheetsync: a shared spreadsheet as the source of truth for a client project.

Layers (imports point down only): face (cli, service, demo) -> jobs -> shell (pipeline,
delivery, runner, alerts, doctor, workbooks) -> edges (backends, mail, ledger, config) ->
core (schema, cells, parse, rules, graph, impact, reminders, report, timeline, render,
mime, ...) -> base (model, errors). docs/architecture.md has the whole table.
"""

__version__ = "0.1.0"
