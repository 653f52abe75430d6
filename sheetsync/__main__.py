"""``python -m sheetsync`` is the ``sheetsync`` command."""

from sheetsync.cli.main import main

main()
