"""Pick style rules out of a stylesheet by their selectors (tinycss2), keeping them
inside their ``@media`` and ``@supports`` blocks.

Used by tools/purge_notebook_css.py to keep the JupyterLab rules the notebooks use.
"""

from __future__ import annotations

from collections.abc import Callable

import tinycss2

KEEP_AT_RULES = {"media", "supports"}


def split_selectors(prelude) -> list[str]:
    """A selector list split at its top-level commas (not those inside :is(…))."""
    out, current = [], []
    for token in prelude:
        if token.type == "literal" and token.value == ",":
            out.append(tinycss2.serialize(current).strip())
            current = []
        else:
            current.append(token)
    out.append(tinycss2.serialize(current).strip())
    return [s for s in out if s]


def select_rules(rules, keep: Callable[[str], str | None]) -> list[str]:
    """The style rules of ``rules`` (tinycss2 nodes), serialized, each with the selectors
    ``keep`` returns for its own (``None`` drops one; a rule left with none is dropped);
    ``@media`` and ``@supports`` blocks with their kept rules; anything else dropped."""
    out = []
    for rule in rules:
        if rule.type == "qualified-rule":
            kept = [k for k in map(keep, split_selectors(rule.prelude)) if k]
            if kept:
                out.append(",".join(kept) + "{" + tinycss2.serialize(rule.content).strip() + "}")
        elif rule.type == "at-rule" and rule.lower_at_keyword in KEEP_AT_RULES and rule.content:
            inner = select_rules(tinycss2.parse_rule_list(rule.content, skip_comments=True,
                                                          skip_whitespace=True), keep)
            if inner:
                out.append(f"@{rule.at_keyword}{tinycss2.serialize(rule.prelude)}{{"
                           + "".join(inner) + "}")
    return out
