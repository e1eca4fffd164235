"""Checks of the built website: every internal link resolves, and no page loads anything from another host.

Both read the HTML that was written, not the sources, so they catch what a reader would
meet: a link to a page or an anchor (``#4-the-retention-formula``) that is not there, and a
script, stylesheet, image or font that would be fetched from the web (and so fail, or leak
the reader's visit, offline). Links *to* other hosts (a paper's DOI) are fine: the reader
chooses to follow them.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

# The attributes a browser fetches on its own when it draws a page.
LOADED = {
    "script": "src", "img": "src", "iframe": "src", "embed": "src", "source": "src",
    "video": "src", "audio": "src", "track": "src", "object": "data", "input": "src",
}
_FOREIGN = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.I)
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)
_CSS_URL = re.compile(r"""(?:url\(|@import\s+)\s*["']?((?:https?:)?//[^"')\s]+)""", re.I)


class _PageReader(HTMLParser):
    """The anchors (``id``/``name``) of one page, its links (``a``/``area`` href) and what it loads."""

    def __init__(self):
        super().__init__()
        self.anchors: set[str] = set()
        self.links: list[str] = []
        self.loads: list[str] = []
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        for key in ("id", "name") if tag != "meta" else ():
            if found.get(key):
                self.anchors.add(found[key])
        if tag in ("a", "area") and found.get("href"):
            self.links.append(found["href"])
        if tag == "link" and found.get("href"):
            self.loads.append(found["href"])
        if tag in LOADED and found.get(LOADED[tag]):
            self.loads.append(found[LOADED[tag]])
        if found.get("srcset"):
            self.loads.extend(part.strip().split(" ")[0] for part in found["srcset"].split(","))
        if found.get("style"):
            self.styles.append(found["style"])
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.styles.append(data)


def read_page(path: Path) -> _PageReader:
    """Parse one built HTML page."""
    reader = _PageReader()
    reader.feed(Path(path).read_text(encoding="utf-8", errors="replace"))
    return reader


def site_pages(site: Path) -> list[Path]:
    """The site's pages: every HTML file but the theme's template fragments in ``_static/``."""
    return sorted(p for p in Path(site).rglob("*.html") if "_static" not in p.relative_to(site).parts)


def _target(page: Path, ref: str) -> tuple[Path, str]:
    """The file and the anchor an internal reference of ``page`` points at."""
    ref, _, fragment = ref.partition("#")
    ref = unquote(ref.split("?")[0])
    target = page if not ref else (page.parent / ref)
    if target.is_dir():
        target = target / "index.html"
    return target, unquote(fragment)


def broken_internal_links(site: Path) -> list[str]:
    """One line per internal link or loaded file of ``site`` whose target file or anchor is missing.

    >>> import tempfile
    >>> site = Path(tempfile.mkdtemp())
    >>> _ = (site / "a.html").write_text('<h2 id="s4">4</h2><a href="b.html#x">b</a><a href="#s4">up</a>')
    >>> _ = (site / "b.html").write_text('<img src="gone.png"><a href="https://doi.org/1">paper</a>')
    >>> broken_internal_links(site)
    ['a.html: b.html#x: no anchor "x" in b.html', 'b.html: gone.png: no such file']
    """
    site = Path(site)
    anchors: dict[Path, set[str]] = {}
    problems = []
    for page in site_pages(site):
        reader = read_page(page)
        for ref in reader.links + reader.loads:
            if _SCHEME.match(ref) or _FOREIGN.match(ref):
                continue
            target, fragment = _target(page, ref)
            where = f"{page.relative_to(site)}: {ref}"
            if not target.is_file():
                problems.append(f"{where}: no such file")
            elif fragment and target.suffix == ".html":
                if target not in anchors:
                    anchors[target] = read_page(target).anchors
                if fragment not in anchors[target]:
                    problems.append(f'{where}: no anchor "{fragment}" in {target.relative_to(site)}')
    return problems


def foreign_loads(site: Path) -> list[str]:
    """One line per script, stylesheet, image, frame or font of ``site`` fetched from another host.

    Reads every HTML page (``src``, ``link href``, ``srcset``, inline styles) and every CSS file
    (``url(...)``, ``@import``).

    >>> import tempfile
    >>> site = Path(tempfile.mkdtemp())
    >>> _ = (site / "a.html").write_text('<script src="https://cdn.x/m.js"></script><a href="https://x.org">x</a>')
    >>> _ = (site / "s.css").write_text('@font-face{src:url("//fonts.x/f.woff2")}')
    >>> foreign_loads(site)
    ['a.html: https://cdn.x/m.js', 's.css: //fonts.x/f.woff2']
    """
    site = Path(site)
    found = []
    for page in site_pages(site):
        reader = read_page(page)
        loads = [ref for ref in reader.loads if _FOREIGN.match(ref)]
        loads += [url for style in reader.styles for url in _CSS_URL.findall(style)]
        found += [f"{page.relative_to(site)}: {ref}" for ref in loads]
    for css in sorted(site.rglob("*.css")):
        text = css.read_text(encoding="utf-8", errors="replace")
        found += [f"{css.relative_to(site)}: {url}" for url in _CSS_URL.findall(text)]
    return found
