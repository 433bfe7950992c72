"""``python -m raadsgraf``: the command line."""

from raadsgraf.cli import main

main()
