"""Small factories shared by the tests. Dates are fixed; nothing reads today's date."""

import datetime
import itertools

import pytest
from django.core.management import call_command
from django.utils import timezone

from briefs.models import AboutSection, Contribution, EditorialMembership, Footnote, Issue, Question, Series
from people.models import Fellowship, Person, Programme

_seq = itertools.count(1)

#: What the page cache's content version costs a request: one primary-key SELECT of its row
#: (``sitecache.versioning``), read once per request however many parts of the page key on it.
VERSION_QUERIES = 1


def settle_content_version():
    """Do what the first request after a write does once: work out and keep when what is public next
    changes by itself (three queries), so that a measured request pays only :data:`VERSION_QUERIES`."""
    from sitecache import versioning

    versioning.state_now()


#: A day after every demo and test publication date, used as "today" where it matters.
LATER = datetime.date(2030, 1, 1)


def make_programme(**fields):
    n = next(_seq)
    defaults = {"name": f"Test Programme {n}", "short_name": f"TP{n}", "slug": f"programme-{n}"}
    return Programme.objects.create(**(defaults | fields))


def make_series(**fields):
    n = next(_seq)
    defaults = {
        "name": f"Series {n}",
        "slug": f"series-{n}",
        "programme": fields.pop("programme", None) or make_programme(),
        "issn": "2627-7190",
    }
    return Series.objects.create(**(defaults | fields))


def make_person(**fields):
    n = next(_seq)
    defaults = {"given_name": f"Given{n}", "family_name": f"Family{n}", "slug": f"person-{n}"}
    return Person.objects.create(**(defaults | fields))


def make_issue(series=None, **fields):
    series = series or make_series()
    n = next(_seq)
    defaults = {
        "series": series,
        "number": n,
        "title": f"Issue title {n}",
        "slug": f"issue-title-{n}",
        "kind": Issue.Kind.ARTICLE,
        "publication_date": datetime.date(2019, 2, 1),
        "body": "<p>Body text.</p>",
        "status": Issue.Status.PUBLISHED,
    }
    fields = defaults | fields
    if fields["status"] == Issue.Status.PUBLISHED:
        # Public from the start of its publication day, unless the test says when.
        fields.setdefault("public_from", start_of(fields["publication_date"]))
    return Issue.objects.create(**fields)


def start_of(day):
    """The first moment of ``day`` in the site's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def make_interview(series=None, *, questions=2, footnotes=0, authors=1, **fields):
    """An interview with an interviewer, an interviewee “EB”, questions and cited notes."""
    issue = make_issue(series, **({"kind": Issue.Kind.INTERVIEW, "body": ""} | fields))
    for i in range(authors):
        Contribution.objects.create(
            issue=issue,
            person=make_person(biography=f"<p>Bio of author {i}</p>"),
            role=Contribution.Role.INTERVIEWER,
            sort_order=i,
        )
    Contribution.objects.create(
        issue=issue, person=make_person(), role=Contribution.Role.INTERVIEWEE, speaker_label="EB", sort_order=99
    )
    markers = [f"[^n{k}]" for k in range(footnotes)]
    for q in range(questions):
        cited = "".join(markers[q::questions])
        Question.objects.create(
            issue=issue, question=f"<p>Question {q}?</p>", answer=f"<p>Answer {q}{cited}.</p>", sort_order=q
        )
    for k in range(footnotes):
        Footnote.objects.create(issue=issue, label=f"n{k}", text=f"<p>Note text {k}</p>")
    return issue


def make_membership(series, role="editor", **fields):
    return EditorialMembership.objects.create(
        series=series, person=fields.pop("person", None) or make_person(), role=role, **fields
    )


def make_fellowship(**fields):
    """A fellowship listed in the public directory, unless ``listed_publicly=False``."""
    person = fields.pop("person", None) or make_person()
    programme = fields.pop("programme", None) or Programme.objects.first() or make_programme()
    defaults = {
        "start_year": 2017,
        "end_year": 2019,
        "country": "KZ",
        "home_institution": "Test University",
        "listed_publicly": True,
    }
    return Fellowship.objects.create(person=person, programme=programme, **(defaults | fields))


def make_about(series, title, body="<p>About.</p>", order=0):
    return AboutSection.objects.create(series=series, title=title, body=body, sort_order=order)


def make_staff(*permissions, username=None):
    """An active member of staff, not a superuser, with exactly ``permissions`` (``"app_label.codename"``)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    user = get_user_model().objects.create_user(username or f"staff-{next(_seq)}", is_staff=True)
    for name in permissions:
        app_label, codename = name.split(".")
        user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return user


@pytest.fixture(scope="session", autouse=True)
def _media_in_a_temporary_folder(tmp_path_factory):
    """Uploads and built PDFs go to folders of the test run, never the project's media/, pdfs/ or private/; jobs run in-process."""
    from django.test import override_settings

    with override_settings(
        # Jobs run in the test process once the transaction commits (django_capture_on_commit_callbacks);
        # the tests of the worker itself (tests/jobs/) use the database backend and a real worker.
        TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
        MEDIA_ROOT=tmp_path_factory.mktemp("media"),
        PDF_ROOT=tmp_path_factory.mktemp("pdfs"),
        PHOTO_ORIGINALS_ROOT=tmp_path_factory.mktemp("photo-originals"),
    ):
        yield


@pytest.fixture
def demo_issue(db):
    call_command("load_demo", stdout=open("/dev/null", "w"))
    return Issue.objects.select_related("series").get(series__slug="eucacis-in-brief", number=6)


@pytest.fixture
def editor(db, django_user_model):
    return django_user_model.objects.create_superuser("editor", "editor@example.org", "pw-for-tests-only")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture(autouse=True)
def _empty_caches():
    """Each test starts with empty caches: the page cache outlives the rolled-back database otherwise."""
    from django.core.cache import caches

    from sitecache.middleware import _local_pages, _shared_pages

    for cache in caches.all():
        cache.clear()
    _local_pages.clear()
    _shared_pages.clear()


@pytest.fixture
def user_in_role(db):
    """Make a member of staff in one of the editorial roles: ``user_in_role("Editor")``.

    The groups are set up as ``manage.py ensure_roles`` sets them up
    (:mod:`editorial.roles`); the user is active staff, not a superuser, and in that
    group only. Each call makes a new user.
    """
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from editorial.roles import ensure_roles

    ensure_roles()

    def make(role_name):
        user = get_user_model().objects.create_user(
            f"{role_name.lower().replace(' ', '-')}-{next(_seq)}", is_staff=True
        )
        user.groups.add(Group.objects.get(name=role_name))
        return user

    return make


@pytest.fixture
def client_in_role(user_in_role):
    """A new test client signed in as a new user in a role: ``client_in_role("Programme staff")``."""
    from django.test import Client

    def make(role_name):
        client = Client()
        client.force_login(user_in_role(role_name))
        return client

    return make


# A real S3 server (SeaweedFS) for the tests of object storage: see tests/s3_server.py.
from tests.s3_server import own_seaweedfs, s3_files, s3_files_on_own_server, seaweedfs  # noqa: E402, F401
