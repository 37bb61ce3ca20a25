"""Grouping the fellows directory: a pure function over fetched fellowships."""

from dataclasses import dataclass
from itertools import groupby

#: One fellowship's status, said of one person (“Alumni” is a group, and gendered in the singular).
_STATUS_LABEL = {"current": "Current fellow", "alumni": "Former fellow"}
#: The same, as a person page says it after the cohort's years: “2017–2019 (completed)”.
_STATUS_NOTE = {"current": "current fellow", "alumni": "completed"}


def label_status(fellowships, *, on):
    """Give each fellowship its ``status_label`` and ``status_note`` on day ``on``; returns them as a list."""
    fellowships = list(fellowships)
    for f in fellowships:
        status = f.status(on=on)
        f.status_label, f.status_note = _STATUS_LABEL[status], _STATUS_NOTE[status]
    return fellowships


@dataclass(frozen=True)
class Cohort:
    label: str
    fellowships: list


def group_by_cohort(fellowships):
    """Group fellowships (already newest cohort first) into cohorts.

    The programme's short name prefixes the label only when the list spans
    several programmes.
    """
    fellowships = list(fellowships)
    several = len({f.programme_id for f in fellowships}) > 1

    def key(f):
        return (f.start_year, f.end_year, f.programme_id)

    cohorts = []
    for _key, members in groupby(fellowships, key=key):
        members = list(members)
        first = members[0]
        label = f"{first.programme.short_name} {first.cohort}" if several else first.cohort
        cohorts.append(Cohort(label=label, fellowships=members))
    return cohorts
