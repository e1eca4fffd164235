"""The course's figures, one module per lesson topic; computation never lives here.

Rules every figure function follows (``tests/plots/test_plots.py`` checks them):

- its name is ``plot_<what it shows>``;
- it takes already-computed tables (from :mod:`clvlib.analysis` or a fitted model) and an
  optional ``ax``, draws on it (a fresh one when none is given) and returns it, so notebooks
  can add titles or combine figures. Figures of several panels say so with ``-> Figure``:
  their ``ax`` is the array of Axes to draw on and they return the Figure.

Modules: ``data_tour`` (lesson 00), ``formulas`` (01), ``retention`` (02), ``survival`` (03,
also the survival-curve plot lesson 02 uses), ``bgnbd`` (04), ``segments`` (05),
``acquisition`` (06), ``executive`` (07), ``levers`` (08), ``ml`` (09, and 04's monitoring), ``journey`` (10) and ``forest`` (hazard and odds ratios, 03 and 05).
The shared look (palette, dollar and percent axes) is in the private ``_style``.
"""
