"""The engine's exceptions, worded for the clinicians and admins who will read them."""

from collections.abc import Iterable, Mapping


class EngineError(ValueError):
    """Input the engine refuses: callers turn it into a form error at the edge."""


class AnswersError(EngineError):
    """A referral's answers do not fit the answers contract; names the one field at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class RulesError(EngineError):
    """A policy version's rules cannot be used; lists every problem so an admin can fix them all."""

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems: list[str] = list(problems)
        count = len(self.problems)
        heading = "1 problem" if count == 1 else f"{count} problems"
        super().__init__(f"{heading} in the rules: " + "; ".join(self.problems))


def describe_value(value: object) -> str:
    """Show a value briefly in JSON terms, since the people reading errors never see Python."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        # Long pasted text would swamp the message it is quoted in.
        return repr(value if len(value) <= 40 else value[:37] + "...")
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list | tuple):
        return "a list"
    return f"a value of type {type(value).__name__}"
