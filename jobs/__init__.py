"""The scheduled jobs: one small file each, and the registry ``sheetsync run`` reads.

Each job is a composition of library calls: *when* from ``sheetsync.due``, *what* from
``sheetsync.pipeline`` / ``sheetsync.delivery``. The loop around them is
``sheetsync.runner``.
"""
