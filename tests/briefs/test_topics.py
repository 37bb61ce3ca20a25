"""Topics and places go wherever an issue's content goes: revisions, prepared changes, the PDF."""

import pytest
from django.test import Client

from briefs.models import Issue, Place, Topic
from briefs.workflow import apply_transition
from printing import pdf_files
from tests.conftest import make_interview
from tests.editorial.test_edit_conflicts import open_form, save
from tests.editorial.test_revisions import draft_editor, restore_url, revisions_of, save_issue

pytestmark = pytest.mark.django_db


def reader_topics(issue):
    html = Client().get(issue.get_absolute_url()).content.decode()
    return [name for name in ("Energy", "Water") if f">{name}</a>" in html]


@pytest.fixture
def energy():
    return Topic.objects.create(name="Energy")


@pytest.fixture
def water():
    return Topic.objects.create(name="Water")


def test_a_new_topic_for_a_public_issue_is_prepared_and_shown_once_the_change_is_published(
    editor_client, energy, water
):
    issue = make_interview(footnotes=1)
    issue.topics.add(energy)
    fields = open_form(editor_client, issue)
    response = save(editor_client, issue, fields | {"topics": [str(water.pk)]})
    assert response.status_code == 302
    assert reader_topics(issue) == ["Energy"]
    assert list(issue.topics.all()) == [energy]

    apply_transition(issue, "publish_change", by=draft_editor(), comment="")  # topics are not the text: no note
    assert reader_topics(issue) == ["Water"]


def test_restoring_a_revision_brings_its_topics_and_places_back(editor_client, energy, water):
    issue = make_interview(footnotes=0, status=Issue.Status.DRAFT, public_from=None)
    kz = Place.objects.create(name="Kazakhstan", country="KZ")
    issue.topics.add(energy)
    issue.places.add(kz)
    assert save_issue(editor_client, issue).status_code == 302
    first = revisions_of(issue)[0]
    assert sorted(first.field_dict["topics"]) == [energy.pk]

    def change(data):
        data["topics"] = str(water.pk)
        data.pop("places", None)

    assert save_issue(editor_client, issue, change).status_code == 302
    assert list(issue.topics.all()) == [water] and not issue.places.exists()
    editor_client.post(restore_url(issue, first))
    assert list(issue.topics.all()) == [energy] and list(issue.places.all()) == [kz]


@pytest.fixture
def rebuilt(monkeypatch):
    """The ids of the issues whose PDFs are refreshed, instead of building them."""
    ids = []
    monkeypatch.setattr(
        pdf_files, "refresh_issue_pdf", lambda issue, **kw: ids.append(issue.pk) if issue.pk not in ids else None
    )
    return ids


def test_renaming_or_deleting_a_topic_or_changing_an_issues_topics_refreshes_the_pdfs_that_print_them(
    energy, water, rebuilt, django_capture_on_commit_callbacks
):
    tagged, other = make_interview(), make_interview()
    with django_capture_on_commit_callbacks(execute=True):
        tagged.topics.add(energy)
    assert rebuilt == [tagged.pk]
    rebuilt.clear()
    with django_capture_on_commit_callbacks(execute=True):
        energy.name = "Energy policy"
        energy.save()
    assert rebuilt == [tagged.pk]
    rebuilt.clear()
    with django_capture_on_commit_callbacks(execute=True):
        water.issues.add(other)  # from the topic's side
    assert rebuilt == [other.pk]
    rebuilt.clear()
    with django_capture_on_commit_callbacks(execute=True):
        energy.delete()
    assert rebuilt == [tagged.pk]


def test_an_issues_keywords_are_its_topics_and_places(energy):
    from briefs.document import issue_document

    issue = make_interview()
    issue.topics.add(energy)
    issue.places.add(Place.objects.create(name="Central Asia", kind=Place.Kind.REGION))
    document = issue_document(Issue.objects.select_related("series__programme").get(pk=issue.pk))
    assert document.keywords == ["Energy", "Central Asia"]  # topics, then places; no names as subjects
    assert [t.name for t in document.topics] == ["Energy"] and document.places[0].url == "/places/central-asia/"


def test_a_change_to_the_programmes_organisers_refreshes_its_issues_pdfs_and_metadata(
    rebuilt, django_capture_on_commit_callbacks
):
    from people.models import Organisation

    issue = make_interview()
    programme = issue.series.programme
    iep = Organisation.objects.create(name="Institut für Europäische Politik", short_name="IEP")
    with django_capture_on_commit_callbacks(execute=True):
        programme.organisers.add(iep)
    assert rebuilt == [issue.pk]
    rebuilt.clear()
    with django_capture_on_commit_callbacks(execute=True):
        iep.name = "Institut für Europäische Politik e.V."
        iep.save()
    assert rebuilt == [issue.pk]
    html = Client().get(issue.get_absolute_url()).content.decode()
    assert "Institut für Europäische Politik e.V." in html  # the JSON-LD names the organiser as it is now


def test_a_topic_or_place_without_a_web_address_gets_one_from_its_name():
    assert Topic.objects.create(name="Water and Energy").slug == "water-and-energy"
    longest = Place.objects.create(name="Région " + "x" * 93, kind=Place.Kind.REGION)  # the longest name allowed
    assert longest.slug == "region-" + "x" * 93
