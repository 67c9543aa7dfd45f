"""Uploaded files over ``UPLOAD_MAX_BYTES`` are refused before any of them is kept: Django's
own handlers would hold the whole upload in memory or write it to a temporary file, and
leave the form to refuse it afterwards.

The first handler of FILE_UPLOAD_HANDLERS (settings). A request's length is known before
its body is read; when it is more than the limit (and room for the form's other fields),
each file in it is skipped before the handlers that keep files hear of it: its bytes are
read and thrown away. The form's other fields (the CSRF token among them) still arrive, so
the person gets the page again with the message by the field: the form asks
``upload_refused(request)``.
"""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile

FIELDS_ROOM = 64 * 1024  # the multipart boundaries and the form's other fields
REFUSED = "_upload_over_limit"


class SizeLimitHandler(FileUploadHandler):
    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.too_large = content_length > settings.UPLOAD_MAX_BYTES + FIELDS_ROOM

    def new_file(self, *args, **kwargs):
        if getattr(self, "too_large", False):
            setattr(self.request, REFUSED, True)
            raise SkipFile
        return super().new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data, start):
        return raw_data  # to the handlers that keep it

    def file_complete(self, file_size):
        return None  # the next handler makes the file


def upload_refused(request) -> bool:
    """Whether a file in this request was refused for its size (nothing of it was kept)."""
    return getattr(request, REFUSED, False)
