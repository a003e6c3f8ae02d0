"""Problems: errors as data. An importer returns them beside the good lines instead of raising."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    #: The file cannot be accepted as it is.
    ERROR = "error"
    #: Worth a look, but the lines are right (a possible duplicate, an unchecked balance).
    NOTICE = "notice"


@dataclass(frozen=True, slots=True)
class Problem:
    """What is wrong, where, and why. `row` is the physical line (CSV) or row (sheet) in the file, 1-based."""

    file: str
    message_zh: str
    message_en: str
    row: int | None = None
    column: str | None = None
    value: str | None = None
    severity: Severity = Severity.ERROR

    @property
    def message(self) -> str:
        return f"{self.message_zh} / {self.message_en}"

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f":{self.row}"
        if self.column:
            where += f" [{self.column}]"
        value = f" {self.value!r}" if self.value is not None else ""
        return f"{where}{value}: {self.message}"
