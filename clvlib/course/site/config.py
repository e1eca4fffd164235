"""The course website's Sphinx settings, and the one extension it adds: formulas written as MathML.

The staged source folder's ``conf.py`` is a single star-import of this module
(:func:`clvlib.course.site.pages.write_conf`), so the settings live here, tested and linted
like the rest of the package. The choices that keep the site offline:

* ``nb_execution_mode = "off"``: myst-nb shows the outputs already in the notebooks, which
  are the executed copies from the last ``make report`` run; the course never runs twice;
* formulas are MathML, written at build time by the same converter as the report pages
  (:func:`clvlib.course.runner.html_page.tex_to_mathml`), which every current browser draws
  with no script: no MathJax, no CDN, nothing to vendor;
* no launch buttons, repository buttons or analytics (they point at other hosts); the
  theme's fonts and icons ship inside its wheel; search is Sphinx's own index, a local file.
"""

from __future__ import annotations

import html

__all__ = [
    "project", "author", "copyright", "extensions", "exclude_patterns", "root_doc",
    "nb_execution_mode", "nb_merge_streams", "nb_render_markdown_format",
    "myst_enable_extensions", "myst_dmath_allow_space", "myst_dmath_allow_digits", "myst_heading_anchors",
    "napoleon_numpy_docstring", "napoleon_google_docstring", "autodoc_member_order", "autodoc_typehints",
    "add_module_names", "html_theme", "html_title", "html_math_renderer", "html_show_sourcelink",
    "html_copy_source", "html_theme_options", "html_static_path", "html_css_files", "setup",
]

project = "clv-workbook"
author = "The clv-workbook authors"
copyright = "the clv-workbook authors (MIT licence)"
extensions = ["myst_nb", "sphinx.ext.autodoc", "sphinx.ext.napoleon"]
exclude_patterns = ["_build", "**.ipynb_checkpoints"]
root_doc = "index"

# Notebooks: show the stored outputs; never execute.
nb_execution_mode = "off"
nb_merge_streams = True
nb_render_markdown_format = "myst"
# MyST: $...$ and $$...$$ maths; `$ 5 and $` (a space inside) or `$5 and $6` (digits outside) is money.
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_dmath_allow_space = False
myst_dmath_allow_digits = False
# Anchors for headings down to ###, so a link to `page.md#4-the-retention-formula` resolves.
myst_heading_anchors = 3

# API reference: numpy-style and Google-style docstrings, members in source order.
napoleon_numpy_docstring = True
napoleon_google_docstring = True
autodoc_member_order = "bysource"
autodoc_typehints = "description"
add_module_names = False

html_theme = "sphinx_book_theme"
html_title = "Customer Lifetime Value: the course"
html_math_renderer = "mathml"
html_show_sourcelink = False
html_copy_source = False
html_theme_options = {
    "show_toc_level": 2,
    "use_download_button": False,
    "use_fullscreen_button": False,
    "use_repository_button": False,
    "use_sidenotes": False,
    "home_page_in_toc": True,
    "navigation_with_keys": False,
}
html_static_path: list[str] = []
html_css_files: list[str] = []


def _formula(tex: str, display: bool) -> str:
    """One formula as MathML; a ``$`` pair that holds an amount (``$100 and $``) stays money."""
    from clvlib.course.notebook_checks import currency_read_as_maths
    from clvlib.course.runner.html_page import tex_to_mathml

    if not display and currency_read_as_maths(f"${tex}$"):
        return html.escape(f"${tex}$")
    return tex_to_mathml(tex, display=display)


def _visit_inline(translator, node) -> None:
    from docutils import nodes  # the site extra's; clvlib imports without it

    translator.body.append(f'<span class="math notranslate">{_formula(node.astext(), False)}</span>')
    raise nodes.SkipNode


def _visit_block(translator, node) -> None:
    from docutils import nodes

    formula = _formula(node.astext(), True)
    number = ""
    if node.get("number"):
        number = f'<span class="eqno">({node["number"]})</span>'
    ids = " ".join(node.get("ids", []))
    anchor = f' id="{ids.split()[0]}"' if ids else ""
    translator.body.append(f'<div class="math notranslate"{anchor}>{number}{formula}</div>')
    raise nodes.SkipNode


def _problems_as_text(app, doctree, docname) -> None:
    """A docstring's reST slip (``m.alpha_`` read as a link) shows as its text, not as a link to nowhere.

    Sphinx still lists the slip among the build's warnings; only the dead ``#id`` link goes.
    """
    from docutils import nodes

    for node in list(doctree.findall(nodes.problematic)):
        node.replace_self(nodes.inline(text=node.astext()))


def setup(app) -> dict:
    """Register the ``mathml`` renderer and the docstring-slip fix (Sphinx calls this for ``conf.py``)."""
    app.add_html_math_renderer("mathml", (_visit_inline, None), (_visit_block, None))
    app.connect("doctree-resolved", _problems_as_text)
    return {"parallel_read_safe": True}
