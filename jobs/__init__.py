"""The scheduled jobs: one small file each, and the registry ``sheetsync run`` reads.

Each job is a composition of library calls: *when* from ``sheetsync.core.calendar``, *what* from
``sheetsync.shell.pipeline`` / ``sheetsync.shell.delivery``. The loop around them is
``sheetsync.shell.reconcile``.
"""
