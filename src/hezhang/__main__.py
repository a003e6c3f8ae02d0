"""`python -m hezhang` runs the command line."""

from hezhang.cli.app import main

main()
