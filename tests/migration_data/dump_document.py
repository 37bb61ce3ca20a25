"""Print what a reader gets of No. 6 as JSON: its issue document, as the app builds it.

Run with ``manage.py shell -c "exec(open(PATH).read())"`` against a database, on any
version of the code that has ``briefs.document.issue_document``: the migration test
compares what today's code finds in a database made by an older one with what that
older code found in it (``no6-document.json``).
"""

import dataclasses
import json

from briefs.document import issue_document
from briefs.models import Issue


def _plain(value):
    if dataclasses.is_dataclass(value):
        return {field.name: _plain(getattr(value, field.name)) for field in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return str(value)


issue = Issue.objects.select_related("series__programme").get(series__slug="eucacis-in-brief", number=6)
print(json.dumps(_plain(issue_document(issue)), ensure_ascii=False, indent=1, sort_keys=True))
