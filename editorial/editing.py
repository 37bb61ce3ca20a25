"""Two editors on one issue: who has it open, and refusing a save made from an outdated form.

**Conflicts.** Every save of an issue through the admin, and every workflow
step, adds one to ``Issue.edit_version``. The issue form carries the version it
was opened at; a save from an older version is refused, with what happened in
between (who saved, when, and Django's record of what they changed), and the
form keeps everything the editor typed, inlines included. The check locks the
issue's row, so of two saves at the same moment the second sees the first.

**Presence.** Opening an issue's page records who has it open and since when,
in the shared cache (Redis in production), for :data:`OPEN_FOR` after their last
request on it; the page names everyone else who has it open. Presence is a
courtesy: when the cache is down, stalled or full the notice simply vanishes and
the page works as ever.

Leaving ends it: a save that goes on to another page ends it on the server, and
the page itself says so when the editor leaves it any other way (a link, a
workflow step, closing the tab): static/admin/js/presence.js sends a beacon on
``pagehide`` to the issue's ``presence/`` address (a POST with the CSRF token).
Each opening of the page has its own ``page`` id, so the beacon of a page the
editor has already replaced (a reload, “Save and continue”) ends nothing. An
entry no beacon ended (a crashed browser, no JavaScript) expires after
:data:`OPEN_FOR`.
"""

import datetime
import logging
import re
import secrets
from dataclasses import dataclass

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.cache import caches
from django.utils import timezone
from django.utils.dateformat import format as date_format

from briefs.models import Issue, IssueTransition

logger = logging.getLogger(__name__)

#: How long after their last request on it someone counts as having an issue open.
OPEN_FOR = datetime.timedelta(minutes=30)
_CACHE = "default"


def _key(issue_pk):
    return f"briefs:issue-open:{issue_pk}"


@dataclass(frozen=True)
class Editing:
    user_id: int
    name: str
    since: datetime.datetime
    last_seen: datetime.datetime
    #: Which opening of the page this is (:func:`new_page_id`); only its own beacon ends it.
    page: str = ""


def _display_name(user):
    return user.get_full_name() or user.get_username()


def new_page_id():
    """An id for one opening of an issue's page, which its beacon sends back when the page is left."""
    return secrets.token_urlsafe(12)


def note_open(issue_pk, user, *, page="", now=None):
    """Record that ``user`` has the issue open; returns the others who have it open, longest first."""
    now = now or timezone.now()
    try:
        return _note_open(caches[_CACHE], issue_pk, user, page, now)
    except Exception as error:  # the cache is unavailable: no notice
        logger.warning("Presence of editors unavailable (%s)", error)
        return []


def _note_open(cache, issue_pk, user, page, now):
    current = {e.user_id: e for e in (cache.get(_key(issue_pk)) or {}).values() if now - e.last_seen < OPEN_FOR}
    mine = current.get(user.pk)
    current[user.pk] = Editing(user.pk, _display_name(user), mine.since if mine else now, now, page)
    cache.set(_key(issue_pk), current, int(OPEN_FOR.total_seconds()))
    return sorted((e for e in current.values() if e.user_id != user.pk), key=lambda e: e.since)


def note_closed(issue_pk, user, *, page=None):
    """``user`` left the issue's page: saved and went on, or (``page``) left that opening of it.

    With ``page``, only if it is still the page they last opened: the beacon of a
    page they have since reloaded arrives late and must not end the new one.
    """
    cache = caches[_CACHE]
    try:
        current = dict(cache.get(_key(issue_pk)) or {})
        mine = current.get(user.pk)
        if mine is not None and (page is None or mine.page == page):
            del current[user.pk]
            cache.set(_key(issue_pk), current, int(OPEN_FOR.total_seconds()))
    except Exception as error:  # the cache is unavailable: the entry expires by itself
        logger.warning("Presence of editors unavailable (%s)", error)


def describe_others(others):
    """“Albina Muratbekova has had this issue open since 10:32” for the page's notice."""

    def one(e):
        return f"{e.name} (open since {date_format(timezone.localtime(e.since), 'j F, H:i')})"

    return "; ".join(one(e) for e in others)


def changes_since(issue, *, version, loaded_at):
    """What happened to ``issue`` after a form was opened at ``version``: sentences for the editor.

    From the admin's log (who saved, when, and what it records they changed)
    and the workflow's steps.
    """
    events = []
    if issue.is_working_copy:  # its saves are logged, and its workflow steps taken, on its issue
        issue = issue.working_copy_of
    if loaded_at is not None:
        entries = LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Issue), object_id=str(issue.pk), action_time__gt=loaded_at
        ).select_related("user")
        for entry in entries:
            what = entry.get_change_message() or "saved it"
            events.append(
                (entry.action_time, f"{_display_name(entry.user)} saved it at {_time(entry.action_time)}: {what}")
            )
        for step in IssueTransition.objects.filter(issue=issue, at__gt=loaded_at).select_related("by"):
            who = _display_name(step.by) if step.by else "The system"
            events.append(
                (
                    step.at,
                    f"{who} moved it from {step.get_from_status_display()} to {step.get_to_status_display()} at {_time(step.at)}.",
                )
            )
    events.sort(key=lambda e: e[0])
    return [text for _at, text in events] or [f"It was saved {issue.edit_version - version} time(s) by someone else."]


def _time(moment):
    return date_format(timezone.localtime(moment), "H:i")


#: The issue page's inlines: form prefix → (model name for messages, how to name a row).
INLINE_ROWS = {
    "contributions": ("contributor", lambda post, key: f"contributor row {key}"),
    "questions": ("question", lambda post, key: f"question {key}"),
    "footnotes": ("footnote", lambda post, key: f"footnote “{post.get(key + '-label', '') or '?'}”"),
}


def keep_rows_deleted_meanwhile(post, existing_ids):
    """The form data with inline rows someone deleted meanwhile turned into new rows, and their names.

    ``existing_ids``: inline prefix → the ids the issue's rows have now. Django's
    formsets show a row only if its id still exists, so a row another editor
    deleted would vanish from the page with everything typed in it. Here it
    becomes a new row after the others (its text kept); the editor decides
    whether it should stay. Rows that were marked for deletion anyway are dropped.
    """
    data = None  # a copy of the form data, made only when a row vanished
    rescued = []
    for prefix, ids in existing_ids.items():
        try:
            initial, total = int(post.get(f"{prefix}-INITIAL_FORMS", "")), int(post.get(f"{prefix}-TOTAL_FORMS", ""))
        except ValueError:
            continue
        posted = {}  # "index" → {name: values}, in one pass over the form (a long issue posts 4,000 fields)
        for key in post:
            if key.startswith(f"{prefix}-"):
                index, dash, name = key[len(prefix) + 1 :].partition("-")
                if dash:
                    posted.setdefault(index, {})[name] = post.getlist(key)
        rows = []
        for index in range(min(total, 1000)):
            row = posted.get(str(index), {})
            row_id = (row.get("id") or [""])[0]
            vanished = index < initial and row_id and not (re.fullmatch(r"[0-9]{1,18}", row_id) and int(row_id) in ids)
            rows.append((index, row, vanished))
        if not any(vanished for _i, _r, vanished in rows):
            continue
        kept = [r for r in rows if r[0] < initial and not r[2]]
        moved = [r for r in rows if r[2] and not (r[1].get("DELETE") or [""])[0]]
        data = post.copy() if data is None else data
        extra = [r for r in rows if r[0] >= initial]
        for key in [k for k in data if k.startswith(f"{prefix}-") and k.split("-")[1].isdigit()]:
            del data[key]
        for new_index, (old_index, row, vanished) in enumerate(kept + moved + extra):
            for name, values in row.items():
                data.setlist(f"{prefix}-{new_index}-{name}", [""] if (vanished and name == "id") else values)
            if vanished:
                describe = INLINE_ROWS.get(prefix, (prefix, lambda p, k, prefix=prefix: f"a {prefix} row"))[1]
                rescued.append(describe(post, str(old_index + 1) if prefix != "footnotes" else f"{prefix}-{old_index}"))
        data[f"{prefix}-INITIAL_FORMS"] = str(len(kept))
        data[f"{prefix}-TOTAL_FORMS"] = str(len(kept) + len(moved) + len(extra))
    return (post if data is None else data), rescued


def rows_of_copy(post, *, issue, copy):
    """Form data sent from ``issue``'s page, for its working copy: the issue's rows named as the copy's copies of them.

    A form opened before the working copy existed names the issue's rows; the
    copy records which of its rows copies which (``copied_rows``). Rows it does
    not know stay as they are (the edit-conflict check and
    :func:`keep_rows_deleted_meanwhile` deal with them).
    """
    data = post.copy()
    for prefix in INLINE_ROWS:
        mapping = copy.copied_rows.get(prefix, {})
        try:
            total = min(int(post.get(f"{prefix}-TOTAL_FORMS", "")), 1000)
        except ValueError:
            continue
        for index in range(total):
            if post.get(f"{prefix}-{index}-issue") != str(issue.pk):
                continue
            data[f"{prefix}-{index}-issue"] = str(copy.pk)
            row_id = post.get(f"{prefix}-{index}-id", "")
            if row_id in mapping:
                data[f"{prefix}-{index}-id"] = str(mapping[row_id])
    return data


def describe_authors(copy):
    """“started by Albina Muratbekova on 3 March, 10:32”: for the working copy's notice."""
    who = _display_name(copy.copy_started_by) if copy.copy_started_by else "someone"
    return f"started by {who} on {date_format(timezone.localtime(copy.created_at), 'j F Y, H:i')}"
