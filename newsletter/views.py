"""The newsletter's public pages: subscribe, confirm, unsubscribe, manage.

No page here sets a cookie: the forms are sent without a CSRF token (the small
forms sit on cached pages, where a token cannot be), and they are exempt from
Django's check for a reason each:

* subscribing and asking for a link to one's subscriptions do nothing but send a
  mail to the address typed in, rate-limited per client and per address, and say
  the same whatever the address; a forged request can do no more than a visitor;
* confirming, unsubscribing and changing subscriptions need the signed link sent
  to the address, which a forging site does not have.

The pages are never kept in the page cache (``/newsletter/`` is excluded).
"""

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from common.clients import client_ip
from newsletter import subscriptions, tokens
from newsletter.forms import ManageForm, ManageRequestForm, SubscribeForm

_METHODS = require_http_methods(["GET", "HEAD", "POST"])


def _consent(form):
    return subscriptions.CONSENT[form]


def _message(request, title, text, *, status=200, links=()):
    return render(request, "newsletter/message.html", {"title": title, "text": text, "links": links}, status=status)


def _limited(request, action):
    """Count the request against its client's limit; returns a response if it may not go on."""
    try:
        subscriptions.check_client(client_ip(request) or "")
    except subscriptions.Limited:
        response = _message(
            request,
            "Too many requests",
            f"This connection has sent too many requests to {action} in the last hour. Please try again later.",
            status=429,
        )
        response["Retry-After"] = "3600"
        return response
    except subscriptions.LimitUnavailable:
        return _limited_unavailable(request)
    return None


@csrf_exempt
@never_cache
@_METHODS
def subscribe(request):
    if request.method != "POST":
        initial = {"receive": request.GET["receive"]} if "receive" in request.GET else None
        return render(
            request, "newsletter/subscribe.html", {"form": SubscribeForm(initial=initial), "consent": _consent("page")}
        )
    form = SubscribeForm(request.POST)
    if not form.is_valid():
        return render(request, "newsletter/subscribe.html", {"form": form, "consent": _consent("page")}, status=400)
    refused = _limited(request, "subscribe")
    if refused:
        return refused
    scope, target = form.cleaned_data["receive"]
    try:
        subscriptions.subscribe(
            form.cleaned_data["email"], scope, target, form="short" if request.POST.get("form") == "short" else "page"
        )
    except subscriptions.LimitUnavailable:
        return _limited_unavailable(request)
    return _message(
        request,
        "Check your inbox",
        f"If {form.cleaned_data['email']} can receive mail, a message is on its way to it. Open the link in it within "
        f"{settings.NEWSLETTER_CONFIRM_HOURS} hours to confirm; nothing else is sent until you do. If no message "
        "comes, look in your spam folder.",
    )


def _limited_unavailable(request):
    response = _message(
        request,
        "Please try again in a minute",
        "The site cannot take subscriptions at this moment. Nothing was saved; please send the form again in a minute.",
        status=503,
    )
    response["Retry-After"] = "60"
    return response


def _bad_link(request, error, *, what):
    if error.expired:
        return _message(
            request,
            "This link has expired",
            f"Links to {what} work for a limited time. Ask for a new one below.",
            status=410,
            links=[("Subscribe", "newsletter:subscribe"), ("Manage your subscriptions", "newsletter:manage_request")],
        )
    return _message(
        request,
        "This link does not work",
        "It may have been cut short when it was copied: try opening it from the mail again.",
        status=404,
        links=[("Subscribe", "newsletter:subscribe")],
    )


@csrf_exempt
@never_cache
@_METHODS
def confirm(request, token):
    # A mail program that looks at links before its reader does must not confirm: a GET shows a button.
    try:
        if request.method != "POST":
            tokens.read(tokens.CONFIRM, token)
            return render(request, "newsletter/confirm.html", {"token": token})
        subscription = subscriptions.confirm(token)
    except tokens.BadToken as error:
        return _bad_link(request, error, what="confirm a subscription")
    return _message(
        request,
        "Subscription confirmed",
        f"You will receive an email for {subscription.label}. Every mail has a link to unsubscribe.",
    )


@csrf_exempt
@never_cache
@_METHODS
def unsubscribe(request, token):
    """The link of every mail: a GET shows one button; a POST (that button, or a mail program's RFC 8058 one-click
    POST) unsubscribes the address from everything."""
    try:
        subscriber = subscriptions.subscriber_for(tokens.UNSUBSCRIBE, token)
    except tokens.BadToken as error:
        return _bad_link(request, error, what="unsubscribe")
    if subscriber is None:
        return _message(request, "You are not subscribed", "This address receives no mails from us.")
    if request.method != "POST":
        return render(request, "newsletter/unsubscribe.html", {"token": token})
    subscriptions.unsubscribe_all(subscriber)
    return _message(
        request,
        "You are unsubscribed",
        "You will get no more mails from us, and your address has been deleted.",
        links=[("Subscribe again", "newsletter:subscribe")],
    )


@csrf_exempt
@never_cache
@_METHODS
def manage_request(request):
    if request.method != "POST":
        return render(request, "newsletter/manage_request.html", {"form": ManageRequestForm()})
    form = ManageRequestForm(request.POST)
    if not form.is_valid():
        return render(request, "newsletter/manage_request.html", {"form": form}, status=400)
    refused = _limited(request, "manage subscriptions")
    if refused:
        return refused
    try:
        subscriptions.request_manage_link(form.cleaned_data["email"])
    except subscriptions.LimitUnavailable:
        return _limited_unavailable(request)
    return _message(
        request,
        "Check your inbox",
        f"If {form.cleaned_data['email']} is subscribed, a link to its subscriptions is on its way to it. The link "
        f"works for {settings.NEWSLETTER_MANAGE_HOURS} hours.",
    )


@csrf_exempt
@never_cache
@_METHODS
def manage(request, token):
    try:
        subscriber = subscriptions.subscriber_for(tokens.MANAGE, token)
    except tokens.BadToken as error:
        return _bad_link(request, error, what="manage subscriptions")
    if subscriber is None:
        return _message(
            request,
            "You are not subscribed",
            "This address receives no mails from us.",
            links=[("Subscribe", "newsletter:subscribe")],
        )
    if request.method != "POST":
        return render(
            request,
            "newsletter/manage.html",
            {"form": ManageForm(subscriber), "email": subscriber.email, "consent": _consent("manage")},
        )
    form = ManageForm(subscriber, request.POST)
    if not form.is_valid():
        return render(
            request,
            "newsletter/manage.html",
            {"form": form, "email": subscriber.email, "consent": _consent("manage")},
            status=400,
        )
    keep = [int(pk) for pk in form.cleaned_data["keep"]]
    if subscriptions.change(subscriber, keep, form.cleaned_data["add"]):
        form = ManageForm(subscriber)
        return render(
            request,
            "newsletter/manage.html",
            {"form": form, "email": subscriber.email, "saved": True, "consent": _consent("manage")},
        )
    return _message(
        request,
        "You are unsubscribed",
        "You kept no subscription: you will get no more mails from us, and your address has been deleted.",
        links=[("Subscribe again", "newsletter:subscribe")],
    )
