"""Grouping the fellows directory: a pure function over fetched fellowships."""

from dataclasses import dataclass
from itertools import groupby

#: One fellowship's status, said of one person (“Alumni” is a group, and gendered in the singular).
_STATUS_LABEL = {"current": "Current fellow", "alumni": "Former fellow"}


def label_status(fellowships, *, on):
    """Give each fellowship its ``status_key`` (current, alumni) and ``status_label`` on day ``on``; returns them as a list."""
    fellowships = list(fellowships)
    for f in fellowships:
        f.status_key = f.status(on=on)
        f.status_label = _STATUS_LABEL[f.status_key]
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
