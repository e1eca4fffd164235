"""Business analysis on pandas tables: formulas, cohorts, lifetimes, segments, acquisition, KPIs.

Analysis code takes DataFrames and never reads files; :mod:`clvlib.data` is the only edge.
:mod:`~clvlib.analysis.lifetimes` turns subscriptions into durations and the survival fits
of :mod:`clvlib.models.survival` into lifetime values per segment;
:mod:`~clvlib.analysis.value_drivers` reads what distinguishes high-value customers early on.
"""
