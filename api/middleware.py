"""
Everything under ``/api/`` answers as the API does, whichever layer answers:
JSON errors (an address no view matches, a request refused before any view)
and the CORS headers on every response, a preflight included. The API is
public, read-only and sent without credentials: any site's scripts may read
it.
"""

import re
from http import HTTPStatus

from django.http import HttpResponse, JsonResponse

PREFIX = "/api/"
HEADER_LIST_RE = re.compile(r"[^A-Za-z0-9!#$%&'*+.^_`|~, -]")
ALLOWED_METHODS = "GET, HEAD, OPTIONS"
# Error pages of other layers, in the API's words.
DETAILS = {
    HTTPStatus.BAD_REQUEST: "Bad request: the address or its query cannot be read.",
    HTTPStatus.NOT_FOUND: "Not found: no API endpoint has this address (see /api/).",
}


class ApiAnswersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(PREFIX):
            return self.get_response(request)
        if request.method == "OPTIONS":
            response = HttpResponse(status=HTTPStatus.NO_CONTENT)
            response["Allow"] = ALLOWED_METHODS
            response["Access-Control-Allow-Methods"] = ALLOWED_METHODS
            # Header names are tokens: anything else in the list is left out.
            asked = HEADER_LIST_RE.sub(
                "", request.headers.get("Access-Control-Request-Headers", "")
            )
            if asked.strip(" ,"):
                response["Access-Control-Allow-Headers"] = asked[:1000]
            response["Access-Control-Max-Age"] = "86400"
        else:
            response = self.get_response(request)
            if response.status_code in DETAILS and not _is_json(response):
                response = _json_error(response)
        response["Access-Control-Allow-Origin"] = "*"
        return response


def _is_json(response):
    return response.get("Content-Type", "").startswith("application/json")


def _json_error(response):
    status = response.status_code
    answer = JsonResponse({"detail": DETAILS[status]}, status=status)
    for header in ("Cache-Control", "Allow"):
        if header in response:
            answer[header] = response[header]
    return answer
