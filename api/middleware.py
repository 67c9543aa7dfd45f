"""RateLimit headers on every answer to a usable key, the API's and FHIR's alike: how many
requests it may make a minute, how many are left, and the seconds until the minute ends
(``RateLimit-Limit``, ``RateLimit-Remaining``, ``RateLimit-Reset``: the three headers of
drafts 00 to 06 of the IETF httpapi rate-limit headers, which clients widely read; later
drafts fold them into one ``RateLimit`` header), so a partner paces itself before a 429."""


class RateLimitHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        counted = getattr(request, "rate_limit", None)  # set by api.keys.authorise
        if counted is not None:
            response["RateLimit-Limit"] = str(counted.limit)
            response["RateLimit-Remaining"] = str(counted.remaining)
            response["RateLimit-Reset"] = str(counted.reset)
        return response
