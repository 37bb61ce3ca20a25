from django import template

from reader.feeds import feed_links as links_of

register = template.Library()


@register.inclusion_tag("includes/feed_links.html")
def feed_links(subject=None):
    """``{% feed_links series %}``: the ``<link rel="alternate">`` of the feeds of a Series, Person, Topic or Place.

    Without an argument, the site's feed of every issue. See :func:`reader.feeds.feed_links`.
    """
    return {"feed_links": links_of(subject)}
