"""Import and export subscription lists as OPML, the format every feed reader speaks."""

from __future__ import annotations

import email.utils
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterable
from dataclasses import dataclass
from xml.parsers import expat

from reader.core.clean import clean_line
from reader.core.fetch import check_web_url, is_web_url


@dataclass
class OpmlFeed:
    """One subscription in an OPML file; `category` nests with "/" ("News/Europe")."""

    url: str
    title: str
    category: str = ""
    site_url: str = ""  # the feed's web site (htmlUrl), when known


class _Refused(Exception):
    """Raised inside expat's callbacks to stop parsing at once."""


def read_opml(data: bytes) -> tuple[list[OpmlFeed], list[str]]:
    """Return the feeds listed in an OPML file, and the problems met, in plain words.

    Feeds inside category outlines are found at any depth. Addresses other than http(s)
    are skipped with a problem line; a feed listed twice is kept once. Raises ValueError
    when the file is not OPML at all, or has a DOCTYPE (OPML never needs one; it is where
    entity bombs hide).
    """
    feeds: list[OpmlFeed] = []
    problems: list[str] = []
    seen: set[str] = set()
    open_elements: list[str | None] = []  # per open element: its category name, if it is one
    root: list[str] = []

    def start(name: str, attributes: dict[str, str]) -> None:
        if not root:
            root.append(name)
            if name.lower() != "opml":
                raise _Refused(f"this is not an OPML file: it starts with <{clean_line(name)[:40]}>")
        attributes = {key.lower(): value for key, value in attributes.items()}
        if name.lower() != "outline":
            open_elements.append(None)
            return
        label = clean_line(attributes.get("title") or attributes.get("text"))
        url = clean_line(attributes.get("xmlurl"))
        if not url:
            open_elements.append(label or None)  # a category (or an empty outline)
            return
        open_elements.append(None)
        try:
            url = check_web_url(url)
        except ValueError:
            problems.append(f"skipped {_shorten(url)}: only web addresses can be imported")
            return
        if url in seen:
            return  # Feedly and others list a feed once per category it is in
        seen.add(url)
        site = clean_line(attributes.get("htmlurl"))
        feeds.append(OpmlFeed(
            url=url,
            title=label or url,
            category="/".join(name for name in open_elements if name),
            site_url=site if is_web_url(site) else "",
        ))

    def end(name: str) -> None:
        open_elements.pop()

    def refuse_doctype(*_args: object) -> None:
        raise _Refused("this OPML file was refused: it has a DOCTYPE, which OPML never needs "
                       "and which can hide an entity bomb")

    parser = expat.ParserCreate()
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.StartDoctypeDeclHandler = refuse_doctype
    parser.EntityDeclHandler = refuse_doctype
    try:
        parser.Parse(data, True)
    except _Refused as refusal:
        raise ValueError(str(refusal)) from None
    except expat.ExpatError as error:
        where = f"line {error.lineno}: {expat.errors.messages.get(error.code, 'broken XML')}"
        if not feeds:
            raise ValueError(f"this is not an OPML file, or it is broken ({where})") from None
        problems.append(f"the file is broken at {where}; feeds after that point were not read")
    if not root:
        raise ValueError("this is not an OPML file: it is empty")
    return feeds, problems


def write_opml(feeds: Iterable[tuple[str, str]] | Iterable[OpmlFeed], title: str = "reader subscriptions") -> str:
    """Return an OPML 2.0 document listing `feeds`: OpmlFeed records, or (url, title) pairs.

    Categories become nested outlines, as newsboat, Feedly, Thunderbird and others import them.
    """
    root = ElementTree.Element("opml", version="2.0")
    head = ElementTree.SubElement(root, "head")
    ElementTree.SubElement(head, "title").text = clean_line(title)
    ElementTree.SubElement(head, "dateCreated").text = email.utils.formatdate(usegmt=True)
    body = ElementTree.SubElement(root, "body")
    categories: dict[tuple[str, ...], ElementTree.Element] = {(): body}

    for item in feeds:
        feed = item if isinstance(item, OpmlFeed) else OpmlFeed(*item)
        url = clean_line(feed.url)
        name = clean_line(feed.title) or url
        path = tuple(part for part in (clean_line(p) for p in feed.category.split("/")) if part)
        attributes = {"type": "rss", "text": name, "title": name, "xmlUrl": url}
        if feed.site_url:
            attributes["htmlUrl"] = clean_line(feed.site_url)
        ElementTree.SubElement(_category(categories, path), "outline", attributes)

    ElementTree.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(root, encoding="unicode") + "\n"


def _category(categories: dict[tuple[str, ...], ElementTree.Element], path: tuple[str, ...]) -> ElementTree.Element:
    """The outline for category `path`, made (with its parents) on first use."""
    if path not in categories:
        parent = _category(categories, path[:-1])
        categories[path] = ElementTree.SubElement(parent, "outline", {"text": path[-1], "title": path[-1]})
    return categories[path]


def _shorten(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
