"""A series' front matter: its about sections and editorial team memberships.

Every issue page of a series shows the same about sections and draws its team
from the same memberships, so each process keeps them in memory, keyed by the
series' ``front_matter_token`` and the site's content version
(:mod:`sitecache.versioning`). Any save or delete of an about section, a
membership, or a person on a team replaces the token in the database; any write
at all, queryset updates included, renews the content version. The issue query
already reads the series row, and the page cache has read the version, so every
worker sees a change on its very next request. What is kept is data, never
rendered pages.
"""

from dataclasses import dataclass, field

from django.db.models.signals import post_delete, post_save

from briefs.models import AboutSection, EditorialMembership, series_front_matter_changed
from common.plain_select import PlainSelect
from people.models import Organisation, Person, Programme
from sitecache.versioning import version_now

_by_series = {}

# Read with SQL compiled once (see common.plain_select): every page rendered from scratch reads them.
_ABOUT_SECTIONS = PlainSelect(AboutSection, ["series"])
_MEMBERSHIPS = PlainSelect(EditorialMembership, ["series"], join=("person", None))
_ORGANISERS = PlainSelect(Organisation, fields=("name", "short_name", "website"), through=(Programme, "organisers"))


@dataclass(frozen=True)
class FrontMatter:
    about_sections: tuple
    memberships: tuple
    #: The programme's organisers, ``(name, short name, website)``: with the programme, the issue's publishers.
    organisers: tuple = ()
    #: What the issue document makes of them, worked out once per version:
    #: ``"about"`` and ``("team", day)``.
    derived: dict = field(default_factory=dict, compare=False, repr=False)

    def once(self, key, make):
        """``make()``, remembered under ``key`` for as long as this front matter is current."""
        if key not in self.derived:
            self.derived[key] = make()
        return self.derived[key]


def front_matter(series):
    """The about sections, team memberships (with people) and the programme's organisers of ``series``."""

    # Keyed by the series' token (replaced by any save of its sections, team or
    # team members) and by the site's content version (renewed by any write at
    # all, queryset updates included); with no version (cache down) it is not kept.
    key = (series.front_matter_token, version_now())
    cached_key, data = _by_series.get(series.pk, (None, None))
    if key[1] is None or cached_key != key:
        data = FrontMatter(
            about_sections=tuple(_ABOUT_SECTIONS(series.pk)),
            memberships=tuple(_MEMBERSHIPS(series.pk)),
            organisers=tuple(_ORGANISERS.rows(series.programme_id)),
        )
        _by_series[series.pk] = (key, data)
    return data


def _section_or_membership_changed(sender, instance, **kwargs):
    # Both the series it was in and the one it is in now, if it moved.
    series_front_matter_changed(instance.loaded_and_current("series_id"))


def _person_changed(sender, instance, created=False, **kwargs):
    if created:
        return  # a new person is on no team yet
    series_ids = set(instance.editorial_memberships.values_list("series_id", flat=True))
    if series_ids:
        series_front_matter_changed(series_ids)


def connect():
    for model in (AboutSection, EditorialMembership):
        post_save.connect(
            _section_or_membership_changed, sender=model, dispatch_uid=f"front-matter-{model.__name__}-save"
        )
        post_delete.connect(
            _section_or_membership_changed, sender=model, dispatch_uid=f"front-matter-{model.__name__}-delete"
        )
    post_save.connect(_person_changed, sender=Person, dispatch_uid="front-matter-person-save")
