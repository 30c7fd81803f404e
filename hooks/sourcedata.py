"""What the data-driven hooks share (corrections.py reads data/corrections.yml,
biography.py reads data/biography.yml): the source type, the URL check, field checks
whose errors name the data file and the entry, and Markdown link helpers.

Not a hook itself (mkdocs.yml does not list it); the hooks import it from this folder.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from mkdocs.exceptions import PluginError

SOURCE_FIELDS = {"title", "url", "primary"}
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True)
class Source:
    title: str
    url: str
    primary: bool


def valid_url(url: object) -> bool:
    """True for a well-formed absolute http(s) URL with a dotted host and no whitespace."""
    if not isinstance(url, str) or not url or any(c.isspace() for c in url):
        return False
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        return False
    return (
        parts.scheme in ("http", "https")
        and "." in host
        and not host.startswith(".")
        and not host.endswith(".")
    )


def read_yaml(path: Path) -> object:
    """The parsed YAML file; PluginError if it is missing or not valid YAML."""
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PluginError(f"{path} is missing") from None
    except yaml.YAMLError as err:
        raise PluginError(f"{path} is not valid YAML: {err}") from None


class Fields:
    """Checks the mappings of one YAML data file; every error is a PluginError that
    names the file and the entry (``where``)."""

    def __init__(self, data_file: str):
        self.data_file = data_file

    def fail(self, where: str, message: str) -> PluginError:
        return PluginError(f"{self.data_file}: {where}: {message}")

    def top_level(self, raw: object, keys: set[str], lists: str) -> dict:
        """The document: a mapping with only ``keys`` (``lists`` says which it needs)."""
        if not isinstance(raw, dict):
            raise self.fail("top level", f"must be a mapping with {lists}")
        unknown = raw.keys() - keys
        if unknown:
            raise self.fail("top level", f"unknown key(s) {sorted(unknown)}")
        return raw

    def entry(self, raw: object, list_name: str, index: int, label: str) -> tuple[str, str]:
        """Entry ``index`` of the list ``list_name``: a mapping with a valid id.  Returns
        (id, where), ``where`` naming the entry as "<label> '<id>'" in later errors."""
        if not isinstance(raw, dict):
            raise self.fail(f"{list_name}[{index}]", "entry must be a mapping")
        ident = raw.get("id")
        where = f"{label} '{ident}'" if ident else f"{list_name}[{index}] (no id)"
        if not isinstance(ident, str) or not ID_RE.match(ident):
            raise self.fail(where, "field 'id' must match [a-z0-9][a-z0-9-]*")
        return ident, where

    def text(self, raw: dict, key: str, where: str, *, oneline: bool = False) -> str:
        """raw[key] as a non-empty string, stripped; one line if ``oneline``."""
        value = raw.get(key)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(where, f"field '{key}' must be a non-empty string")
        if oneline and "\n" in value.strip():
            raise self.fail(where, f"field '{key}' must be one line")
        return value.strip()

    def check_keys(self, raw: dict, required: set[str], optional: set[str], where: str) -> None:
        missing = required - raw.keys()
        if missing:
            raise self.fail(where, f"missing field(s) {sorted(missing)}")
        unknown = raw.keys() - required - optional
        if unknown:
            raise self.fail(where, f"unknown field(s) {sorted(unknown)}")

    def source(self, raw: object, where: str) -> Source:
        if not isinstance(raw, dict):
            raise self.fail(where, "each source must be a mapping with title, url, primary")
        self.check_keys(raw, SOURCE_FIELDS, set(), f"{where}, source")
        title = self.text(raw, "title", where, oneline=True)
        if '"' in title:
            raise self.fail(where, f"source title must not contain double quotes: {title!r}")
        if not valid_url(raw["url"]):
            raise self.fail(where, f"bad source URL {raw['url']!r} (need an absolute http(s) URL)")
        if not isinstance(raw["primary"], bool):
            raise self.fail(where, "source field 'primary' must be true or false")
        return Source(title=title, url=raw["url"], primary=raw["primary"])

    def sources(self, raw: dict, where: str) -> tuple[Source, ...]:
        """raw['sources']: a non-empty list of sources, no URL twice."""
        items = raw.get("sources")
        if not isinstance(items, list) or not items:
            raise self.fail(where, "field 'sources' must be a non-empty list")
        sources = tuple(self.source(s, where) for s in items)
        urls = [s.url for s in sources]
        if len(urls) != len(set(urls)):
            raise self.fail(where, "the same source URL is listed twice")
        return sources


def md_link_text(text: str) -> str:
    """Text safe inside Markdown link brackets."""
    return text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")


def relative_link(from_page: str, to_page: str, anchor: str = "") -> str:
    """Relative .md link from one docs page to another (MkDocs resolves and validates it)."""
    rel = posixpath.relpath(to_page, posixpath.dirname(from_page) or ".")
    return f"{rel}#{anchor}" if anchor else rel
