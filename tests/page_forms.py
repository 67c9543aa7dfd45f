"""What a browser sends for a form a page drew, read from the page: for tests that post a form
as the person would, now that Jinja2 pages leave no response.context to read it from."""

from html.parser import HTMLParser


class _Forms(HTMLParser):
    """Each form's attributes and the (name, value) pairs a browser would send for it: boxes only
    when ticked, a select's chosen option (its first when none is), a textarea's text; no buttons."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[dict, list]] = []
        self._select: tuple[str, list, list] | None = None  # name, chosen values, first value
        self._textarea: list | None = None

    def handle_starttag(self, tag, attrs):
        found = {name: "" if value is None else value for name, value in attrs}
        if tag == "form":
            self.forms.append((found, []))
        elif not self.forms or "disabled" in found:
            return
        elif tag == "input" and found.get("name") and found.get("type") not in ("submit", "button", "file"):
            box = found.get("type") in ("checkbox", "radio")
            if box and "checked" not in found:
                return
            self.forms[-1][1].append((found["name"], found.get("value", "on" if box else "")))
        elif tag == "select" and found.get("name"):
            self._select = (found["name"], [], [])
        elif tag == "option" and self._select is not None:
            _, chosen, first = self._select
            (chosen if "selected" in found else first).append(found.get("value", ""))
        elif tag == "textarea" and found.get("name"):
            self._textarea = [found["name"], ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "select" and self._select is not None:
            name, chosen, first = self._select
            self.forms[-1][1].extend((name, value) for value in chosen or first[:1])
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            self.forms[-1][1].append((name, text.removeprefix("\n")))  # the newline after <textarea> is not its text
            self._textarea = None


def form_as_sent(page: str, action: str = "") -> dict[str, list[str]]:
    """The page's form posting to ``action`` ("" for the page itself), as a browser sends it."""
    parser = _Forms()
    parser.feed(page)
    for attrs, fields in parser.forms:
        if attrs.get("method", "get").lower() == "post" and attrs.get("action", "") == action:
            sent: dict[str, list[str]] = {}
            for name, value in fields:
                sent.setdefault(name, []).append(value)
            return sent
    raise AssertionError(f"No form posting to {action or 'the page'} on the page")
