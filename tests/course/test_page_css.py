"""clvlib.course.runner.page_css: a page keeps the CSS it can use, and only that."""

from __future__ import annotations

from clvlib.course.runner.page_css import prune_css, prune_page_css

CSS = """
/* JupyterLab's theme, shortened */
:root { --jp-used: var(--jp-base); --jp-base: #123; --jp-unused: #fff; --jp-icon: url("data:image/svg+xml;utf8,<svg a='1;2'/>"); }
.jp-Cell { color: var(--jp-used); }
.jp-Widget, .jp-Cell .jp-Absent { margin: 0; }
.jp-Cell:not(.jp-mod-hidden) > #kpi-table { padding: 1px; }
.lm-Menu { background: var(--jp-unused); }
@media print { .jp-Cell { display: block; } .lm-Menu { display: none; } }
@media (max-width: 10px) { .lm-Menu { display: none; } }
@font-face { font-family: x; src: local(x); }
.jp-Icon { background-image: var(--jp-icon); }
"""


def test_rules_for_absent_classes_go_and_the_rest_stay_in_order():
    out = prune_css(CSS, classes={"jp-Cell", "jp-Widget", "jp-Icon"}, ids={"kpi-table"})
    assert out == (
        ':root{--jp-used: var(--jp-base);--jp-base: #123;--jp-icon: url("data:image/svg+xml;utf8,<svg a=\'1;2\'/>")}'
        ".jp-Cell{color: var(--jp-used)}"
        ".jp-Widget{margin: 0}"
        ".jp-Cell:not(.jp-mod-hidden) > #kpi-table{padding: 1px}"
        "@media print{.jp-Cell{display: block}}"
        "@font-face{font-family: x; src: local(x);}"
        ".jp-Icon{background-image: var(--jp-icon)}"
    )


def test_a_page_keeps_what_its_elements_and_inline_styles_use():
    page = (f"<html><head><style>{CSS}</style></head><body><div class='jp-Cell' id='kpi-table' "
            "style='color: var(--jp-unused)'></div></body></html>")
    pruned = prune_page_css(page)
    assert ".jp-Cell{color: var(--jp-used)}" in pruned and "--jp-unused: #fff" in pruned
    assert ".lm-Menu" not in pruned and "JupyterLab's theme" not in pruned and "jp-Icon" not in pruned
    assert "<div class='jp-Cell' id='kpi-table'" in pruned, "the markup is untouched"
