"""Revisions under permission (issue 16): a revert or recovery checks the address and every change it makes.

django-reversion finds a revert page's version by its key and object id only, of
any model, and reverts its whole revision. Here every history admin first
checks that the version is one of the model and object in the address (404
otherwise), then that the user may make every change the revert would make,
as the admin of each object's model says (403 otherwise). The requests are
crafted as a hostile user would craft them; after each refusal nothing has changed.

The objects share one key, as a series, a person, a fellowship and an issue
with key 1 do on a new site: a version of one is a version “with object id 1”
of each of the others.
"""

import types

import pytest
import reversion
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from reversion.models import Revision, Version

from briefs.models import AboutSection, EditorialMembership, Issue, Series
from common import reversion_follow
from people.models import Fellowship, Person
from tests.conftest import (
    make_about,
    make_fellowship,
    make_interview,
    make_membership,
    make_person,
    make_series,
    make_staff,
)
from tests.editorial.test_revisions import form_on

pytestmark = pytest.mark.django_db

#: The key every target object has (large, so that no object made by a sequence takes it).
SAME = 987654

EDITOR, PROGRAMME, NOBODY, CHIEF = "Editor", "Programme staff", "staff with no permission", "Editor-in-chief"
ROLES_BELOW_CHIEF = [EDITOR, PROGRAMME, NOBODY]
EVERY_ROLE = [*ROLES_BELOW_CHIEF, CHIEF]


def kept(*objs):
    """One revision holding ``objs`` (with what they follow); returns the first object's version in it."""
    with reversion.create_revision():
        for obj in objs:
            reversion.add_to_revision(obj)
    return Version.objects.get_for_object(objs[0]).order_by("-pk").first()


@pytest.fixture
def world():
    """A series, a person with a fellowship, and a draft interview, all with key SAME, each with a revision since changed.

    - the series' revision has the about section's first text; since, the chief wrote
      another and added a term to the team (a revert would undo the text, delete the term);
    - the person's revision holds their fellowship listed publicly; since, it was
      un-listed (a revert would list it again);
    - the issue's revision has its first title; since, it was retitled.
    Others of each model, and a deleted person and issue, give versions of the right
    model but another object.
    """
    w = types.SimpleNamespace()
    w.series = make_series(pk=SAME, name="EUCACIS in Brief")
    w.about = make_about(w.series, "About the Series", body="<p>The first about text.</p>")
    w.series_version = kept(w.series)
    w.about.body = "<p>The chief's about text.</p>"
    w.about.save()
    w.new_term = make_membership(w.series, position="Managing editor")

    w.person = make_person(pk=SAME, affiliation="Then")
    w.fellowship = make_fellowship(pk=SAME, person=w.person, listed_publicly=True)
    w.person_version = kept(w.person)
    w.fellowship_version = w.person_version.revision.version_set.get(
        content_type=ContentType.objects.get_for_model(Fellowship)
    )
    Fellowship.objects.filter(pk=SAME).update(listed_publicly=False)
    Person.objects.filter(pk=SAME).update(affiliation="Now")

    w.issue = make_interview(make_series(), pk=SAME, title="First title", status=Issue.Status.DRAFT, public_from=None)
    w.issue_version = kept(w.issue)
    Issue.objects.filter(pk=SAME).update(title="Later title")

    other_series = make_series()
    w.other_series_version = kept(other_series)
    other_person = make_person()
    w.other_fellowship = make_fellowship(person=other_person)
    w.other_person_version = kept(other_person)
    w.other_fellowship_version = Version.objects.get_for_object(w.other_fellowship).get()
    w.other_issue_version = kept(make_interview(status=Issue.Status.DRAFT, public_from=None))
    w.other_term_version = kept(make_membership(other_series))

    gone = make_person()
    w.deleted_person_version = kept(gone)
    gone.delete()
    gone_issue = make_interview(status=Issue.Status.DRAFT, public_from=None)
    w.deleted_issue_version = kept(gone_issue)
    gone_issue.delete()
    return w


def state(w):
    """Everything a revert or recovery here could change."""
    return {
        "about": AboutSection.objects.get(pk=w.about.pk).body,
        "terms": sorted(EditorialMembership.objects.values_list("pk", flat=True)),
        "series": list(Series.objects.order_by("pk").values_list("pk", "name")),
        "listed": Fellowship.objects.get(pk=SAME).listed_publicly,
        "fellowships": sorted(Fellowship.objects.values_list("pk", flat=True)),
        "people": list(Person.objects.order_by("pk").values_list("pk", "affiliation")),
        "issues": list(Issue.objects.order_by("pk").values_list("pk", "title")),
        "revisions": Revision.objects.count(),
    }


@pytest.fixture
def client_as(user_in_role):
    def make(role):
        client = Client()
        client.force_login(make_staff() if role == NOBODY else user_in_role(role))
        return client

    return make


def revision_url(model_name, object_id, version):
    app_label = "people" if model_name in ("person", "fellowship") else "briefs"
    return reverse(f"admin:{app_label}_{model_name}_revision", args=[object_id, version.pk])


def recover_url(model_name, version):
    app_label = "people" if model_name in ("person", "fellowship") else "briefs"
    return reverse(f"admin:{app_label}_{model_name}_recover", args=[version.pk])


# Each: the admin whose page is asked for, and the version (by its name in ``world``) put in its address.
# The object in the address is always SAME.

A_VERSION_OF_ANOTHER_MODEL_WITH_THE_SAME_KEY = [
    ("person", "series_version"),
    ("person", "issue_version"),
    ("person", "fellowship_version"),
    ("fellowship", "person_version"),
    ("fellowship", "series_version"),
    ("series", "person_version"),
    ("series", "issue_version"),
    ("series", "fellowship_version"),
    ("editorialmembership", "series_version"),
    ("issue", "series_version"),
    ("issue", "person_version"),
]
A_VERSION_OF_ANOTHER_OBJECT_OF_THE_MODEL = [
    ("person", "other_person_version"),
    ("person", "deleted_person_version"),
    ("fellowship", "other_fellowship_version"),
    ("series", "other_series_version"),
    ("editorialmembership", "other_term_version"),
    ("issue", "other_issue_version"),
    ("issue", "deleted_issue_version"),
]


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("role", EVERY_ROLE)
@pytest.mark.parametrize(
    ("model_name", "version_name"),
    A_VERSION_OF_ANOTHER_MODEL_WITH_THE_SAME_KEY + A_VERSION_OF_ANOTHER_OBJECT_OF_THE_MODEL,
)
def test_a_revert_page_of_a_version_not_of_the_object_in_its_address_is_404_and_changes_nothing(
    world, client_as, role, method, model_name, version_name
):
    before = state(world)
    url = revision_url(model_name, SAME, getattr(world, version_name))

    response = getattr(client_as(role), method)(url, {"name": "Hijacked", "given_name": "Hijacked"})

    assert response.status_code == 404
    assert state(world) == before


# Recovering: the version must be the last one of a deleted object of the page's model.
A_VERSION_NOT_OF_A_DELETED_OBJECT_OF_THE_MODEL = [
    ("person", "series_version"),
    ("person", "deleted_issue_version"),
    ("person", "person_version"),  # the person exists
    ("fellowship", "deleted_person_version"),
    ("series", "deleted_person_version"),
    ("series", "series_version"),
    ("editorialmembership", "series_version"),
    ("issue", "deleted_person_version"),
    ("issue", "issue_version"),  # the issue exists
]


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("role", EVERY_ROLE)
@pytest.mark.parametrize(("model_name", "version_name"), A_VERSION_NOT_OF_A_DELETED_OBJECT_OF_THE_MODEL)
def test_a_recover_page_of_a_version_not_of_a_deleted_object_of_its_model_is_404_and_changes_nothing(
    world, client_as, role, method, model_name, version_name
):
    before = state(world)

    response = getattr(client_as(role), method)(recover_url(model_name, getattr(world, version_name)))

    assert response.status_code == 404
    assert state(world) == before


@pytest.mark.parametrize("role", [EDITOR, CHIEF])
def test_comparing_an_issue_with_a_version_of_another_model_or_issue_is_404(world, client_as, role):
    url = reverse("admin:briefs_issue_compare", args=[SAME])
    client = client_as(role)
    for other in ("series_version", "person_version", "other_issue_version"):
        assert client.get(url, {"from": world.issue_version.pk, "to": getattr(world, other).pk}).status_code == 404
        assert client.get(url, {"from": getattr(world, other).pk, "to": world.issue_version.pk}).status_code == 404


def test_a_history_page_lists_only_the_versions_of_its_own_model_and_object(world, client_as):
    client = client_as(CHIEF)
    html = client.get(reverse("admin:people_person_history", args=[SAME])).content.decode()
    assert revision_url("person", SAME, world.person_version) in html
    for other in ("series_version", "issue_version", "fellowship_version", "other_person_version"):
        assert f"/history/{getattr(world, other).pk}/" not in html
    html = client.get(reverse("admin:briefs_series_history", args=[SAME])).content.decode()
    assert revision_url("series", SAME, world.series_version) in html
    assert f"/history/{world.person_version.pk}/" not in html


# The right version, and a user who may not make every change its revert makes: 403.

WHO_MAY_NOT_REVERT = [
    # Series: Editors and programme staff may not change series, about sections or terms.
    *((role, "series", "series_version") for role in ROLES_BELOW_CHIEF),
    # A person's revision holds their fellowship: Editors may change people, not fellowships.
    (EDITOR, "person", "person_version"),
    (NOBODY, "person", "person_version"),
    (EDITOR, "fellowship", "fellowship_version"),
    (NOBODY, "fellowship", "fellowship_version"),
    # Issues: only who may restore.
    *((role, "issue", "issue_version") for role in ROLES_BELOW_CHIEF),
]


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize(("role", "model_name", "version_name"), WHO_MAY_NOT_REVERT)
def test_a_revert_by_someone_who_may_not_make_all_its_changes_is_403_and_changes_nothing(
    world, client_as, method, role, model_name, version_name
):
    before = state(world)
    url = revision_url(model_name, SAME, getattr(world, version_name))

    response = getattr(client_as(role), method)(url, {"name": "Hijacked", "given_name": "Hijacked"})

    assert response.status_code == 403
    assert state(world) == before


def staff(*permissions):
    client = Client()
    client.force_login(make_staff(*permissions))
    return client


SERIES_REVERT = ["briefs.view_series", "briefs.change_series", "briefs.change_aboutsection"]
SERIES_TERMS = ["briefs.change_editorialmembership", "briefs.delete_editorialmembership"]


@pytest.mark.parametrize(
    "permissions",
    [
        pytest.param([*SERIES_REVERT, "briefs.change_editorialmembership"], id="without-deleting-terms"),
        pytest.param([p for p in SERIES_REVERT if p != "briefs.change_series"] + SERIES_TERMS, id="without-series"),
        pytest.param(
            [p for p in SERIES_REVERT if p != "briefs.change_aboutsection"] + SERIES_TERMS, id="without-about-sections"
        ),
    ],
)
def test_reverting_a_series_needs_change_on_each_object_it_writes_and_delete_on_each_it_deletes(world, permissions):
    before = state(world)
    url = revision_url("series", SAME, world.series_version)
    client = staff(*permissions)

    assert client.get(url).status_code == 403
    assert client.post(url, {"name": "Hijacked"}).status_code == 403
    assert state(world) == before


def test_reverting_a_person_needs_change_on_their_fellowships(world):
    before = state(world)
    client = staff("people.view_person", "people.change_person", "people.view_fellowship")
    assert client.post(revision_url("person", SAME, world.person_version), {"given_name": "X"}).status_code == 403
    assert state(world) == before


def test_restoring_an_issue_needs_delete_and_add_on_the_parts_it_replaces(world):
    before = state(world)
    issue_and_restore = ["briefs.view_issue", "briefs.change_issue", "briefs.restore_issue"]
    client = staff(*issue_and_restore, "briefs.add_question", "briefs.add_contribution", "briefs.add_footnote")
    assert client.post(revision_url("issue", SAME, world.issue_version)).status_code == 403
    assert state(world) == before


@pytest.mark.parametrize("role", [EDITOR, NOBODY])
def test_recovering_a_deleted_person_needs_add_on_everything_their_revision_holds(world, client_as, role):
    fellow = make_person()
    make_fellowship(person=fellow)
    version = kept(fellow)
    fellow.delete()  # and the fellowship with them
    before = state(world)

    response = client_as(role).post(recover_url("person", version), {"given_name": "Back"})

    assert response.status_code == 403
    assert state(world) == before


@pytest.mark.parametrize("role", [EDITOR, PROGRAMME, NOBODY])
def test_recovering_a_deleted_issue_needs_the_chief(world, client_as, role):
    before = state(world)
    assert client_as(role).post(recover_url("issue", world.deleted_issue_version)).status_code == 403
    assert state(world) == before


# Who may make every change still reverts.


def test_the_editor_in_chief_reverts_a_series_its_about_text_and_team_with_it(world, client_as):
    client = client_as(CHIEF)
    url = revision_url("series", SAME, world.series_version)

    response = client.post(url, form_on(client, url, "series_form"))

    assert response.status_code == 302
    assert AboutSection.objects.get(pk=world.about.pk).body == "<p>The first about text.</p>"
    assert not EditorialMembership.objects.filter(pk=world.new_term.pk).exists()


@pytest.mark.parametrize("role", [CHIEF, PROGRAMME])
def test_who_may_change_people_and_fellowships_reverts_a_person_listing_the_fellowship_again(world, client_as, role):
    client = client_as(role)
    url = revision_url("person", SAME, world.person_version)

    response = client.post(url, form_on(client, url, "person_form"))

    assert response.status_code == 302
    assert Fellowship.objects.get(pk=SAME).listed_publicly
    assert Person.objects.get(pk=SAME).affiliation == "Then"


def test_programme_staff_revert_a_fellowship(world, client_as):
    client = client_as(PROGRAMME)
    url = revision_url("fellowship", SAME, world.fellowship_version)

    response = client.post(url, form_on(client, url, "fellowship_form"))

    assert response.status_code == 302
    assert Fellowship.objects.get(pk=SAME).listed_publicly


def test_programme_staff_recover_a_deleted_person_with_their_fellowship(world, client_as):
    fellow = make_person(family_name="Returning")
    fellowship = make_fellowship(person=fellow)
    version = kept(fellow)
    fellow.delete()
    client = client_as(PROGRAMME)
    url = recover_url("person", version)

    response = client.post(url, form_on(client, url, "person_form"))

    assert response.status_code == 302
    assert Person.objects.filter(family_name="Returning").exists() and Fellowship.objects.filter(pk=fellowship.pk)


def test_the_editor_in_chief_restores_an_issue_and_recovers_a_deleted_one(world, client_as):
    client = client_as(CHIEF)
    assert client.post(revision_url("issue", SAME, world.issue_version)).status_code == 302
    assert Issue.objects.get(pk=SAME).title == "First title"
    assert client.post(recover_url("issue", world.deleted_issue_version)).status_code == 302
    assert Issue.objects.filter(pk=world.deleted_issue_version.object_id).exists()


def test_every_model_kept_in_revisions_is_registered_so_that_what_it_follows_is_known():
    for model in reversion.get_registered_models():
        reversion_follow.follows(model)  # raises if not
