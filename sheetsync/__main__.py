"""``python -m sheetsync`` is the ``sheetsync`` command."""

from sheetsync.cli import main

main()
