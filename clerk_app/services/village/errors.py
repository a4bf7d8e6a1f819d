"""The village services' error for what the user can fix (Chinese `problems`)."""

from __future__ import annotations


class VillageError(ValueError):
    """A village action that cannot be done as asked; `problems` in Chinese."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))
