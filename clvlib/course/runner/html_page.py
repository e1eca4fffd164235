"""A notebook as one self-contained HTML page: maths rendered at build time, no other host, a real title.

nbconvert's ``lab`` template loads require.js, MathJax and mermaid from a CDN, so offline
(a cron server, an intranet, a train) every formula shows as raw LaTeX. Here the formulas
are turned into MathML while the page is written (``latex2mathml``, pure Python), which every
current browser draws with no script at all; the script blocks are emptied, so the page
works from a file, by e-mail or behind a firewall, and prints to PDF as it shows. Only
the CSS the page uses is kept (:mod:`~clvlib.course.runner.page_css`).

Two more fixes for readers:

* money is never maths: a ``$`` span that starts with an amount (``$100 and $``) is
  written back as text, and nothing on the page reinterprets ``$`` later;
* papermill's "injected-parameters" cell is folded into the notebook's own parameters
  cell (the values that ran replace the defaults), so parameters show once.
"""

from __future__ import annotations

import ast
import html
import re
from html.parser import HTMLParser

import nbformat
from jinja2 import DictLoader, pass_context
from nbconvert import HTMLExporter
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath

from clvlib.course.notebook_checks import cell_tags, currency_read_as_maths
from clvlib.course.runner.page_css import prune_page_css
from clvlib.course.runner.publish import GLOSSARY_LINK_IN_NOTEBOOKS, GLOSSARY_PAGE

PAGE_TEMPLATE = "clvlib_page.html.j2"
# The lab template's blocks that fetch scripts from a CDN, emptied: maths is MathML, the
# course draws no mermaid diagram and its pages need no widget manager.
_TEMPLATE = """{%- extends 'index.html.j2' -%}
{% block html_head_js %}{% endblock html_head_js %}
{% block jupyter_widgets %}{% endblock jupyter_widgets %}
{% block html_head_js_mathjax %}{% endblock html_head_js_mathjax %}
{% block html_head_js_mermaidjs %}{% endblock html_head_js_mermaidjs %}
{% block extra_css %}<style>math{font-family:"STIX Two Math","Latin Modern Math",math}
math[display="block"]{font-size:1.2em;margin:0.6em 0}</style>{% endblock extra_css %}
"""
_XMLNS = re.compile(r' xmlns="[^"]*"')


def tex_to_mathml(tex: str, display: bool = False) -> str:
    """LaTeX as a MathML element (HTML5 needs no namespace); the TeX itself as code if it cannot be read.

    >>> tex_to_mathml("x^2")
    '<math display="inline"><mrow><msup><mi>x</mi><mn>2</mn></msup></mrow></math>'
    >>> tex_to_mathml(r"\\frac{1}{")
    '<code class="tex">\\\\frac{1}{</code>'
    """
    from latex2mathml.converter import convert

    try:
        return _XMLNS.sub("", convert(tex.strip(), display="block" if display else "inline"))
    except Exception:  # latex2mathml raises many kinds; the reader still gets the formula's source
        return f'<code class="tex">{html.escape(tex)}</code>'


class _MathMLRenderer(IPythonRenderer):
    """nbconvert's markdown renderer with maths written as MathML instead of ``$...$`` for MathJax."""

    def block_math(self, body: str) -> str:
        return tex_to_mathml(body, display=True)

    def latex_environment(self, name: str, body: str) -> str:
        return tex_to_mathml(f"\\begin{{{name}}}{body}\\end{{{name}}}", display=True)

    def inline_math(self, body: str) -> str:
        if currency_read_as_maths(f"${body}$"):  # "$100 and $" pairs two amounts: it is money
            return self.escape_html(f"${body}$")
        return tex_to_mathml(body)


class OfflineHTMLExporter(HTMLExporter):
    """The ``lab`` HTML exporter without CDN scripts, its maths rendered to MathML."""

    def __init__(self, **kwargs):
        super().__init__(template_name="lab", extra_loaders=[DictLoader({PAGE_TEMPLATE: _TEMPLATE})], **kwargs)
        self.template_file = PAGE_TEMPLATE

    @pass_context
    def markdown2html(self, context, source):
        cell = context.get("cell", {})
        path = context.get("resources", {}).get("metadata", {}).get("path", "")
        renderer = _MathMLRenderer(
            escape=False, attachments=cell.get("attachments", {}), embed_images=self.embed_images, path=path,
            anchor_link_text=self.anchor_link_text, exclude_anchor_links=self.exclude_anchor_links,
            **self.lexer_options,
        )
        return MarkdownWithMath(renderer=renderer).render(source)


def notebook_title(nb) -> str:
    """The first markdown heading as plain text (the page's ``<title>``); 'Notebook' when there is none.

    >>> notebook_title(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Lesson 1: *CLV* `basics`")]))
    'Lesson 1: CLV basics'
    """
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for line in cell.source.splitlines():
            heading = re.match(r"\s*#{1,6}\s+(.+)", line)
            if heading:
                return re.sub(r"[*_`]", "", heading.group(1)).strip()
    return "Notebook"


def _assignments(source: str) -> dict[str, ast.expr]:
    """Name -> value node of each top-level ``name = value`` / ``name: type = value``."""
    found = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            found[node.targets[0].id] = node.value
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            found[node.target.id] = node.value
    return found


def _replace_values(source: str, new_values: dict[str, str]) -> str:
    """``source`` with the value of each named assignment replaced by the given source text."""
    lines = source.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    edits = []
    for name, node in _assignments(source).items():
        if name in new_values:
            start = starts[node.lineno - 1] + len(lines[node.lineno - 1].encode()[: node.col_offset].decode())
            end = starts[node.end_lineno - 1] + len(lines[node.end_lineno - 1].encode()[: node.end_col_offset].decode())
            edits.append((start, end, new_values[name]))
    for start, end, text in sorted(edits, reverse=True):
        source = source[:start] + text + source[end:]
    return source


def fold_injected_parameters(nb):
    """Drop papermill's injected cell, writing the values that ran into the ``parameters`` cell.

    A value the run did not change keeps its original spelling; the parameters cell's
    types and comments stay. Without a parameters cell the injected one is kept.
    """
    injected = [c for c in nb.cells if "injected-parameters" in cell_tags(c)]
    declared = [c for c in nb.cells if "parameters" in cell_tags(c)]
    if not injected or not declared:
        return nb
    ran = {}
    for cell in injected:
        ran.update(_assignments(cell.source))
    defaults = _assignments(declared[0].source)
    changed = {}
    for name, node in ran.items():
        if name in defaults and ast.dump(defaults[name]) != ast.dump(node):
            changed[name] = ast.unparse(node)
    declared[0].source = _replace_values(declared[0].source, changed)
    nb.cells = [c for c in nb.cells if all(c is not i for i in injected)]
    return nb


def notebook_html(nb, hide_code: bool) -> str:
    """The executed notebook ``nb`` as one self-contained HTML page (no code when ``hide_code``)."""
    nb = fold_injected_parameters(nb)
    nb.metadata["title"] = notebook_title(nb)
    for cell in nb.cells:  # the glossary page sits beside the lesson pages in a report folder
        if cell.cell_type == "markdown":
            cell.source = cell.source.replace(GLOSSARY_LINK_IN_NOTEBOOKS, GLOSSARY_PAGE)
    exporter = OfflineHTMLExporter()
    if hide_code:
        exporter.exclude_input = True
        exporter.exclude_input_prompt = True
        exporter.exclude_output_prompt = True
    body, _ = exporter.from_notebook_node(nb)
    return prune_page_css(body)


def read_executed(path) -> nbformat.NotebookNode:
    """An executed notebook from disk (nbformat 4)."""
    return nbformat.read(str(path), as_version=4)


class _References(HTMLParser):
    """Every script src and link href of a page, and its <title> text."""

    def __init__(self):
        super().__init__()
        self.refs: list[str] = []
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        if tag in ("script", "link") and found.get("src" if tag == "script" else "href"):
            self.refs.append(found["src" if tag == "script" else "href"])
        self._in_title = tag == "title"

    def handle_endtag(self, tag):
        self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def _read_references(page: str) -> _References:
    reader = _References()
    reader.feed(page)
    return reader


def page_title(page: str) -> str:
    """The text of a page's ``<title>``."""
    return _read_references(page).title


def foreign_references(page: str) -> list[str]:
    """Scripts and stylesheets a page would fetch from another host (src/href, ``import()``, ``@import``).

    >>> foreign_references('<script src="https://cdn.example/x.js"></script><link href="style.css" rel="stylesheet">')
    ['https://cdn.example/x.js']
    """
    refs = [r for r in _read_references(page).refs if re.match(r"(?i)(https?:)?//", r)]
    return refs + re.findall(r"""(?:import\(|@import\s+(?:url\()?)\s*["']?(?:https?:)?//[^"')\s]+""", page)
