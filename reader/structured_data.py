"""schema.org JSON-LD of the site's pages other than an issue's (which :mod:`reader.metadata` makes).

- the home page: the site as a ``WebSite`` whose ``SearchAction`` is the search
  page, and the programme that publishes it as an ``Organization``, with the DOI
  prefix of its series (the prefix names the registrant, the publisher whose
  DOIs begin with it);
- a series page: the series as a ``Periodical`` with its ISSN, and its
  publisher with the series' DOI prefix;
- a person page: a ``ProfilePage`` whose ``mainEntity`` is the ``Person``;
- the archive, topic and place pages: a ``CollectionPage`` listing the issues it
  shows (an ``ItemList``), about the topic or the place.

Pure functions over model instances already read by the view and plain values:
no database, no request. They return plain data; :func:`structured_data` writes
it into a ``<script type="application/ld+json">`` data block, escaped as
Django's ``json_script`` escapes (:func:`reader.metadata.render_json_ld`), which
the Content-Security-Policy does not govern: it runs no script.
"""

from briefs.document import publisher_name
from briefs.names import cited_name
from reader.feeds import SITE_NAME
from reader.metadata import description, render_json_ld
from reader.summaries import first_paragraph, plain_text

CONTEXT = "https://schema.org"
#: The placeholder of the search address template (schema.org ``query-input``).
SEARCH_TERM = "search_term_string"


def _compact(data):
    """``data`` without the keys that have no value: schema.org wants absent, not empty."""
    return {key: value for key, value in data.items() if value not in (None, "", [], {})}


def website_id(root):
    return f"{root}/#website"


def doi_prefix(prefix):
    """A DOI prefix as an ``identifier`` of the ``Organization`` it was given to.

    schema.org has no property for it: a ``PropertyValue`` whose ``propertyID``
    names the scheme. The DOI Handbook calls the prefix the registrant's code, so
    it identifies the publisher (Crossref's member), not a series or an issue.
    """
    return {"@type": "PropertyValue", "propertyID": "DOI prefix", "value": prefix}


def organisation(programme, doi_prefixes=()):
    """The programme as an ``Organization``, named as the imprint and the citations name it.

    ``doi_prefixes``: the DOI prefixes of the programme's series, if they have any.
    """
    identifiers = [doi_prefix(prefix) for prefix in sorted(set(filter(None, doi_prefixes)))]
    return _compact(
        {
            "@type": "Organization",
            "@id": programme.website or None,
            "name": publisher_name(programme),
            "alternateName": programme.short_name,
            "url": programme.website,
            "identifier": identifiers[0] if len(identifiers) == 1 else identifiers,
        }
    )


def home_page(*, root, search_path, programmes, series=()):
    """The site as a ``WebSite`` searchable at ``search_path``, published by ``programmes``.

    ``series``: the site's series (with ``programme_id``), whose DOI prefixes their programme holds.
    """
    publishers = [
        organisation(programme, [s.doi_prefix for s in series if s.programme_id == programme.pk])
        for programme in programmes
    ]
    site = _compact(
        {
            "@type": "WebSite",
            "@id": website_id(root),
            "url": f"{root}/",
            "name": SITE_NAME,
            "inLanguage": "en",
            "publisher": [{"@id": p["@id"]} if "@id" in p else p for p in publishers],
            "potentialAction": {
                "@type": "SearchAction",
                "target": {"@type": "EntryPoint", "urlTemplate": f"{root}{search_path}?q={{{SEARCH_TERM}}}"},
                "query-input": f"required name={SEARCH_TERM}",
            },
        }
    )
    return {"@context": CONTEXT, "@graph": [site, *(p for p in publishers if "@id" in p)]}


def series_page(series, *, root):
    """The series as a ``Periodical``: its ISSN, publisher and place (``series.programme`` read already)."""
    url = root + series.get_absolute_url()
    return {
        "@context": CONTEXT,
        **_compact(
            {
                "@type": "Periodical",
                "@id": url,
                "url": url,
                "name": series.name,
                "issn": series.issn,
                "description": description(plain_text(series.introduction)),
                "inLanguage": "en",
                "publisher": organisation(series.programme, [series.doi_prefix]),
                "locationCreated": {"@type": "Place", "name": series.place_of_publication}
                if series.place_of_publication
                else None,
            }
        ),
    }


def person_page(person, *, root, photo_url=""):
    """A ``ProfilePage`` about the ``Person``: names without honorific, affiliation, biography's opening."""
    url = root + person.get_absolute_url()
    name = cited_name(person.given_name, person.family_name)
    entity = _compact(
        {
            "@type": "Person",
            "@id": f"{url}#person",
            "url": url,
            "name": f"{name.given} {name.full_family}".strip(),
            "givenName": name.given,
            "familyName": name.full_family,
            "honorificPrefix": person.honorific,
            "affiliation": {"@type": "Organization", "name": person.affiliation} if person.affiliation else None,
            "description": description(first_paragraph(person.biography)),
            "image": root + photo_url if photo_url.startswith("/") else photo_url,
        }
    )
    return {
        "@context": CONTEXT,
        "@type": "ProfilePage",
        "url": url,
        "name": person.full_name,
        "isPartOf": {"@id": website_id(root)},
        "mainEntity": entity,
    }


def about_topic(topic, *, root):
    return _compact({"@type": "Thing", "name": topic.name, "url": root + topic.get_absolute_url()})


def about_place(place, *, root):
    """A country (``Country``, with its ISO 3166 code) or a region (``Place``)."""
    code = str(getattr(place.country, "code", "") or "")
    return _compact(
        {
            "@type": "Country" if code else "Place",
            "name": place.name,
            "url": root + place.get_absolute_url(),
            "identifier": code,
        }
    )


def collection_page(*, root, path, name, issues, first_position=1, description_text="", about=None):
    """A ``CollectionPage`` listing ``issues`` (as the page shows them, from ``first_position`` on)."""
    url = root + path
    items = [
        {"@type": "ListItem", "position": position, "url": root + issue.get_absolute_url(), "name": issue.title}
        for position, issue in enumerate(issues, start=first_position)
    ]
    return {
        "@context": CONTEXT,
        **_compact(
            {
                "@type": "CollectionPage",
                "url": url,
                "name": name,
                "description": description_text,
                "inLanguage": "en",
                "isPartOf": {"@id": website_id(root)},
                "about": about,
                "mainEntity": {"@type": "ItemList", "numberOfItems": len(items), "itemListElement": items}
                if items
                else None,
            }
        ),
    }


def structured_data(data):
    """``data`` as the page's ``<script type="application/ld+json">``, safe whatever its texts."""
    return render_json_ld(data)
