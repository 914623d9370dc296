"""What is wrong with a chapter, and where."""

from dataclasses import dataclass


@dataclass
class Problem:
    """Something wrong (or worth a warning) at a line of the chapter."""

    message: str
    line: int | None = None

    def format(self, filename):
        where = f"{filename}:{self.line}" if self.line else filename
        return f"{where}: {self.message}"


class ChapterError(Exception):
    """
    The chapter cannot be read or imported; ``problems`` says where and why,
    in line order. Nothing was written.
    """

    def __init__(self, problems):
        problems = sorted(problems, key=lambda problem: problem.line or 0)
        super().__init__("\n".join(problem.format("chapter") for problem in problems))
        self.problems = problems


def refuse_if(problems):
    """Raise ChapterError when there are ``problems``."""
    if problems:
        raise ChapterError(problems)
