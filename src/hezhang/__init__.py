"""hezhang (核账): bank reconciliation for agency bookkeeping firms, privacy first."""

__version__ = "0.1.0"
