"""What corrections.py and biography.py share: each turns a YAML file of sourced entries
into Markdown.  A data file is a tree of frozen dataclasses whose fields name their own
converter (``check``), so ``Record.parse`` validates all of it and every error names the
file, the entry and the field.  Not a hook: MkDocs puts the hooks' folder on sys.path.
"""

from __future__ import annotations

import dataclasses
import posixpath
import re
from dataclasses import MISSING, dataclass
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parent.parent


# Converters take a raw YAML value and return the field's value, or raise a ValueError
# that says what the field must be.
def check(convert, default=MISSING):
    """A field converted by ``convert``; one with a default is optional (absent, null, [])."""
    return dataclasses.field(default=default, metadata={"convert": convert})


def accept(test, must: str):
    """A converter that keeps the values ``test`` accepts."""

    def convert(value):
        if not test(value):
            raise ValueError(f"must be {must}, got {value!r}")
        return value

    return convert


def then(*converters):
    def convert(value):
        for step in converters:
            value = step(value)
        return value

    return convert


def _http_url(value: object) -> bool:
    if not isinstance(value, str) or any(c.isspace() for c in value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    host = parts.hostname or ""
    return parts.scheme in ("http", "https") and "." in host and host == host.strip(".")


def _docs_relative(value: str) -> bool:
    return value.endswith(".md") and not value.startswith("/") and ".." not in value.split("/")


prose = then(accept(lambda v: isinstance(v, str) and v.strip(), "a non-empty string"), str.strip)
line = then(prose, accept(lambda v: "\n" not in v, "one line"))
attr_line = then(line, accept(lambda v: '"' not in v, "without double quotes"))  # in HTML
docs_page = then(attr_line, accept(_docs_relative, "a docs-relative .md path"))
http_url = accept(_http_url, "an absolute http(s) URL")
calendar_year = accept(lambda v: type(v) is int and 1900 <= v <= 2100, "a year")


def one_of(choices):
    return accept(lambda v: isinstance(v, str) and v in choices, f"one of {list(choices)}")


def matching(pattern: str, what: str):
    return accept(lambda v: isinstance(v, str) and re.fullmatch(pattern, v), what)


def list_of(convert, unique: str = "", ordered_by: str = ""):
    """A non-empty list, each item converted; no two items share the attribute
    ``unique``, and ``ordered_by`` never decreases.  Errors name an item by its id."""

    def convert_list(value: object) -> tuple:
        if not isinstance(value, list) or not value:
            raise ValueError("must be a non-empty list")
        items: list = []
        for number, raw in enumerate(value, 1):
            ident = raw.get("id") if isinstance(raw, dict) else None
            name = f"'{ident}'" if ident else number
            try:
                item = convert(raw)
                if unique and getattr(item, unique) in {getattr(x, unique) for x in items}:
                    raise ValueError(f"duplicate {unique} {getattr(item, unique)!r}")
                if ordered_by and items:
                    now, prev = getattr(item, ordered_by), getattr(items[-1], ordered_by)
                    if now < prev:
                        raise ValueError(
                            f"out of {ordered_by} order: {now} comes after "
                            f"'{items[-1].id}' ({prev})"
                        )
            except ValueError as err:
                raise ValueError(f"item {name}: {err}") from None
            items.append(item)
        return tuple(items)

    return convert_list


@dataclass(frozen=True)
class Record:
    @classmethod
    def parse(cls, raw: object):
        """A YAML mapping -> a record; cross-field checks are in ``__post_init__``."""
        fields = dataclasses.fields(cls)
        names = [f.name for f in fields]
        if not isinstance(raw, dict):
            raise ValueError(f"must be a mapping with {', '.join(names)}")
        required = {f.name for f in fields if f.default is MISSING}
        if missing := required - raw.keys():
            raise ValueError(f"missing field(s) {sorted(missing)}")
        if unknown := raw.keys() - set(names):
            raise ValueError(f"unknown field(s) {sorted(unknown)}")
        values = {}
        for f in fields:
            if f.name in required or raw.get(f.name) not in (None, []):
                try:
                    values[f.name] = f.metadata["convert"](raw[f.name])
                except ValueError as err:
                    raise ValueError(f"field '{f.name}' {err}") from None
        return cls(**values)


@dataclass(frozen=True)
class Source(Record):
    title: str = check(attr_line)
    url: str = check(http_url)
    primary: bool = check(accept(lambda v: isinstance(v, bool), "true or false"))


SOURCES = list_of(Source.parse, unique="url")  # converts every ``sources`` field


@dataclass(frozen=True)
class Entry(Record):
    """An entry of a data file's list, anchored on its page by its id."""

    anchor_prefix = ""

    id: str = check(matching(r"[a-z0-9][a-z0-9-]*", "lowercase letters, digits and '-'"))

    @property
    def anchor(self) -> str:
        return self.anchor_prefix + self.id


def entries(cls: type[Entry], ordered_by: str = ""):
    return list_of(cls.parse, unique="id", ordered_by=ordered_by)


@dataclass(frozen=True, kw_only=True)
class DataFile(Record):
    """A data file; its lists of entries are a subclass's fields.  ``shared_sources``
    holds YAML anchors, checked where they are used."""

    path = ""  # relative to the repository

    version: object = check(lambda v: v, None)
    shared_sources: object = check(lambda v: v, None)

    @classmethod
    def load(cls, path: Path | None = None):
        path = path or ROOT / cls.path
        try:
            return cls.validate(yaml.safe_load(path.read_text(encoding="utf-8")))
        except FileNotFoundError:
            raise PluginError(f"{path} is missing") from None
        except yaml.YAMLError as err:
            raise PluginError(f"{path} is not valid YAML: {err}") from None

    @classmethod
    def validate(cls, raw: object):
        try:
            return cls.parse(raw)
        except ValueError as err:
            raise PluginError(f"{cls.path}: {err}") from None

    @classmethod
    def fail(cls, entry: Entry, message: str) -> PluginError:
        return PluginError(f"{cls.path}: item '{entry.id}': {message}")


# Markdown
def md_link_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")


def relative_link(from_page: str, to_page: str, anchor: str = "") -> str:
    """A relative .md link, which MkDocs resolves and validates."""
    rel = posixpath.relpath(to_page, posixpath.dirname(from_page) or ".")
    return f"{rel}#{anchor}" if anchor else rel


def table(css_class: str, header: list[str], rows: list[list[str]],
          searchable: bool = True) -> list[str]:
    """A Markdown table in a ``<div>`` that md_in_html parses (the class styles it).

    ``searchable=False`` keeps the table out of the search index (hooks/search_index.py).
    """
    body = ["| " + " | ".join(cells) + " |" for cells in [header, ["---"] * len(header), *rows]]
    exclude = "" if searchable else ' data-search-exclude=""'
    return [f'<div class="{css_class}"{exclude} markdown>', "", *body, "", "</div>"]


def cell(text: str) -> str:
    return text.replace("|", "\\|")


def indent(lines: list[str]) -> list[str]:
    return [f"    {x}" if x.strip() else "" for x in lines]


def admonition(opener: str, title: str, lines: list[str]) -> list[str]:
    """``opener``: ``!!!`` (or ``???`` for a collapsible one) and the type."""
    return [f'{opener} "{title}"', "", *indent(lines), ""]


def source_list(sources: tuple[Source, ...]) -> list[str]:
    kinds = {True: "一手来源", False: "二手来源"}
    return [f"- [{md_link_text(s.title)}]({s.url})（{kinds[s.primary]}）" for s in sources]


def source_stats(items) -> dict[str, int]:
    """Counts over the sources of ``items``; "unique" counts a URL once."""
    sources = [s for item in items for s in item.sources]
    unique = {s.url: s for s in sources}.values()
    return {
        "sources": len(sources),
        "sources_primary": sum(s.primary for s in sources),
        "unique_sources": len(unique),
        "unique_sources_primary": sum(s.primary for s in unique),
    }


def sources_sentence(items) -> str:
    s = source_stats(items)
    return (
        f"引用出处 {s['sources']} 处（去重后 {s['unique_sources']} 个），"
        f"其中一手来源 {s['sources_primary']} 处（去重后 {s['unique_sources_primary']} 个）。"
    )


def sources_log(items) -> str:
    s = source_stats(items)
    return (
        f"{s['sources_primary']}/{s['sources']} sources primary "
        f"({s['unique_sources_primary']}/{s['unique_sources']} unique)"
    )


def expand_markers(markdown: str, page: str, name: str, render, required: str = "") -> str:
    """Replace each ``<!-- name:arg -->`` by ``render(arg)`` (None: an unknown marker);
    ``required`` is the arg this page must have."""
    pattern = re.compile(rf"<!--\s*{name}:\s*(\S*?)\s*-->")
    if required and required not in pattern.findall(markdown):
        raise PluginError(f"{page} must contain the marker <!-- {name}:{required} -->")

    def expand(m: re.Match) -> str:
        if (out := render(m.group(1))) is None:
            raise PluginError(f"{page}: unknown marker {m.group(0)}")
        return out

    return pattern.sub(expand, markdown)


# Joining wrapped lines: a line break inside Chinese text shows as a stray space.
LIST_RE = re.compile(r"^(\s*)(?:[-*+]|\d+[.)])\s+")


def cjk_punct(ch: str) -> bool:
    return "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef" or ch in "“”‘’…—·"


def join(a: str, b: str, markup_space: bool = False) -> str:
    """Two wrapped lines as one: a space where a Latin letter or digit meets other text
    (“用 NumPy 实现”), none between Chinese characters or next to Chinese punctuation.
    ``markup_space``: also a space where Chinese meets Markdown markup or ASCII
    punctuation (“记作 $a$”); corrections.yml is written for that, biography.yml not."""
    x, y = a[-1], b[0]
    if cjk_punct(x) or cjk_punct(y):
        return a + b
    both_cjk = "\u2e80" <= x <= "\u9fff" and "\u2e80" <= y <= "\u9fff"
    latin = (x.isascii() and x.isalnum()) or (y.isascii() and y.isalnum())
    return a + (" " if latin or (markup_space and not both_cjk) else "") + b


def unwrap(text: str, markup_space: bool = False) -> list[str]:
    """The lines of ``text`` with each paragraph on one line; list items keep their own
    line (and indentation)."""
    out: list[str] = []
    for raw in text.splitlines():
        if out and out[-1].strip() and raw.strip() and not LIST_RE.match(raw):
            out[-1] = join(out[-1], raw.strip(), markup_space)
        else:
            out.append(raw.rstrip())
    return out
