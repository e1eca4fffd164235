"""Business analysis on pandas tables: formulas, cohorts, segments, acquisition, KPIs.

Analysis code takes DataFrames and never reads files; :mod:`clvlib.data` is the only edge.
"""
