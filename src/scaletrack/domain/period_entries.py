"""One entry per reporting period: a pilot reports one result and sets one target per
indicator and period, and declares its expenditure once per period. A second entry for a
period that has one is refused, naming the entry already recorded and how to change it:
correct that entry (a new event that supersedes it), never record another beside it."""

from __future__ import annotations

from dataclasses import dataclass

from scaletrack.domain.errors import RuleViolation


@dataclass(frozen=True)
class OncePerPeriod:
    """A kind of entry a period holds once: the rule that refuses a second, what its
    message says the first was (recorded, declared, set), the field a correction sets,
    and any other way to change it (``{pilot}`` stands for the pilot's code)."""

    rule: str
    done: str
    corrected_field: str
    otherwise: str = ""

    def refuse_another(self, what: str, pilot: str, recorded_as: int | None) -> None:
        """Refuse ``what`` (such as "a result for PART in 2022-Q1") when the pilot holds
        it already as its version ``recorded_as`` (0: from before pilots kept which)."""
        if recorded_as is None:
            return
        entry = f"{pilot}@{recorded_as}" if recorded_as else f"{pilot}@N"
        found = f" as {entry}" if recorded_as else ""
        look_up = "" if recorded_as else f" (N from scaletrack pilot history {pilot})"
        raise RuleViolation(
            self.rule, f"{what} is already {self.done}{found}", field="period",
            hint=f"correct it: scaletrack correct {entry} --set {self.corrected_field}=N "
            f"--reason TEXT{look_up}{self.otherwise.format(pilot=pilot)}")


RESULT = OncePerPeriod("result-exists", "recorded", "value")
TARGET = OncePerPeriod("target-exists", "set", "target",
                       otherwise=", or revise it for a new plan: scaletrack log "
                       "target-revised {pilot} --indicator CODE --period YYYY-QN --target N "
                       "--reason TEXT")
EXPENDITURE = OncePerPeriod("expenditure-exists", "declared", "amount_eur")
