"""Only the CSS a page uses: rules whose classes and ids appear on the page, custom properties that are read.

nbconvert's ``lab`` template inlines JupyterLab's whole stylesheet (about 240 KB) into every
page, most of it for widgets a static page never shows. :func:`prune_page_css` keeps a rule
when every class and id its selector names occurs in the page (``:not(...)`` and other
parenthesised parts are not required), keeps at-rule blocks that still hold a rule, and
keeps a ``--custom-property`` only when a kept rule reads it (directly or through another
property). Comments go. What a browser draws does not change: a dropped rule could not match.

>>> css = ".a{color:red} .b{color:var(--x)} :root{--x:blue;--y:green} /* note */"
>>> prune_css(css, classes={"a"}, ids=set())
'.a{color:red}'
"""

from __future__ import annotations

import re

_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_STYLE = re.compile(r"(<style[^>]*>)(.*?)(</style>)", re.S | re.I)
_CLASS_ATTR = re.compile(r"""\sclass\s*=\s*("([^"]*)"|'([^']*)')""", re.I)
_ID_ATTR = re.compile(r"""\sid\s*=\s*("([^"]*)"|'([^']*)')""", re.I)
_VAR = re.compile(r"var\(\s*(--[\w-]+)")
_NESTING_AT_RULES = ("@media", "@supports", "@layer", "@container", "@document")


def _split_top(text: str, separator: str) -> list[str]:
    """``text`` split at ``separator`` outside quotes, parentheses and brackets."""
    if not any(ch in text for ch in "\"'(["):
        return text.split(separator)
    parts, depth, quote, last = [], 0, "", 0
    for i, ch in enumerate(text):
        if quote:
            quote = "" if ch == quote and text[i - 1] != "\\" else quote
        elif ch in "\"'":
            quote = ch
        elif ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif ch == separator and depth == 0:
            parts.append(text[last:i])
            last = i + 1
    parts.append(text[last:])
    return parts


_BRACE = re.compile(r"[{}]")
_SPACE = re.compile(r"\s*")


def _blocks(css: str) -> list[tuple[str, str | None]]:
    """Top-level ``(prelude, body)`` pairs of a stylesheet; a statement at-rule has body None."""
    out, i, n = [], 0, len(css)
    while i < n:
        brace = css.find("{", i)
        if brace == -1:
            break
        start = _SPACE.match(css, i).end()
        semi = css.find(";", start, brace)
        if css.startswith("@", start) and semi != -1:  # @import / @charset ...;
            out.append((css[start:semi + 1], None))
            i = semi + 1
            continue
        depth, end = 0, n
        for match in _BRACE.finditer(css, brace):
            depth += 1 if match.group() == "{" else -1
            if depth == 0:
                end = match.start()
                break
        out.append((css[start:brace].strip(), css[brace + 1:end]))
        i = end + 1
    return out


def _selector_can_match(selector: str, classes: set[str], ids: set[str]) -> bool:
    required = re.sub(r"\([^()]*\)", "", re.sub(r"\([^()]*\([^()]*\)[^()]*\)", "", selector))
    names = re.findall(r"\.(-?[_a-zA-Z][\w-]*)", required)
    found_ids = re.findall(r"#(-?[_a-zA-Z][\w-]*)", required)
    return all(c in classes for c in names) and all(i in ids for i in found_ids)


def _prune_rules(css: str, classes: set[str], ids: set[str]) -> list[tuple[str, object]]:
    kept: list[tuple[str, object]] = []
    for prelude, body in _blocks(css):
        if body is None or prelude.startswith(("@font-face", "@keyframes", "@-webkit-keyframes", "@page")):
            kept.append((prelude, body))
        elif prelude.startswith(_NESTING_AT_RULES):
            inner = _prune_rules(body, classes, ids)
            if inner:
                kept.append((prelude, inner))
        elif not prelude.startswith("@"):
            selectors = [s.strip() for s in _split_top(prelude, ",") if _selector_can_match(s, classes, ids)]
            if selectors:
                kept.append((",".join(selectors), body))
    return kept


def _declarations(body: str) -> list[str]:
    return [d.strip() for d in _split_top(body, ";") if d.strip()]


def _walk(rules, visit) -> None:
    for prelude, body in rules:
        if isinstance(body, list):
            _walk(body, visit)
        elif body is not None:
            visit(prelude, body)


def _used_properties(rules) -> set[str]:
    definitions: dict[str, list[str]] = {}
    direct: set[str] = set()

    def collect(prelude, body):
        for declaration in _declarations(body):
            name, _, value = declaration.partition(":")
            if name.strip().startswith("--"):
                definitions.setdefault(name.strip(), []).append(value)
            else:
                direct.update(_VAR.findall(value))

    _walk(rules, collect)
    used, todo = set(), list(direct)
    while todo:
        name = todo.pop()
        if name not in used:
            used.add(name)
            for value in definitions.get(name, []):
                todo.extend(_VAR.findall(value))
    return used


def _render(rules, used: set[str]) -> str:
    out = []
    for prelude, body in rules:
        if body is None:
            out.append(prelude)
        elif isinstance(body, list):
            out.append(f"{prelude}{{{_render(body, used)}}}")
        elif prelude.startswith(("@font-face", "@keyframes", "@-webkit-keyframes", "@page")):
            out.append(f"{prelude}{{{body.strip()}}}")
        else:
            keep = [d for d in _declarations(body) if not d.startswith("--") or d.partition(":")[0].strip() in used]
            if keep:
                out.append(f"{prelude}{{{';'.join(keep)}}}")
    return "".join(out)


def prune_css(css: str, classes: set[str], ids: set[str]) -> str:
    """``css`` without comments, rules that cannot match and custom properties nobody reads."""
    rules = _prune_rules(_COMMENT.sub("", css), classes, ids)
    return _render(rules, _used_properties(rules))


def prune_page_css(page: str) -> str:
    """``page`` (HTML) with every ``<style>`` block pruned to what the page's elements can use."""
    markup = _STYLE.sub("", page)
    classes = {c for m in _CLASS_ATTR.finditer(markup) for c in (m.group(2) or m.group(3) or "").split()}
    ids = {(m.group(2) or m.group(3) or "").strip() for m in _ID_ATTR.finditer(markup)}
    pruned = [_prune_rules(_COMMENT.sub("", m.group(2)), classes, ids) for m in _STYLE.finditer(page)]
    inline = " ".join(f"var({name})" for name in _VAR.findall(markup))  # style="..." attributes read them too
    used = _used_properties([r for rules in pruned for r in rules] + [("inline", f"color:{inline}")])
    rendered = iter([_render(rules, used) for rules in pruned])
    return _STYLE.sub(lambda m: f"{m.group(1)}{next(rendered)}{m.group(3)}", page)
