"""The console the commands print to."""

from rich.console import Console

console = Console()
