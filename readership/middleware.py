"""The readership counter: first in ``MIDDLEWARE``, outside the page cache, so that cached pages and 304s are counted."""

from readership.counting import count_request


class ReadershipMiddleware:
    """Counts readers' views and downloads after the response is made (``readership.counting``); never fails a request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        count_request(request, response)
        return response
