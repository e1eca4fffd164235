"""Business analysis on pandas tables: formulas, cohorts, lifetimes, segments, acquisition, KPIs.

Analysis code takes DataFrames and never reads files; :mod:`clvlib.data` is the only edge.
:mod:`~clvlib.analysis.lifetimes` turns subscriptions into durations and the survival fits
of :mod:`clvlib.models.survival` into lifetime values per segment;
:mod:`~clvlib.analysis.value_drivers` reads what distinguishes high-value customers early on.
:mod:`~clvlib.analysis.levers` values what raises CLV on the fitted models, with the churn
response to price from :mod:`~clvlib.analysis.price_test` and the keep-or-win and targeting
sums of :mod:`~clvlib.analysis.retention_targeting`.
:mod:`~clvlib.analysis.linkage` links subscribers and shop customers through a shared key,
:mod:`~clvlib.analysis.referrals` credits referred value to referrers and
:mod:`~clvlib.analysis.journey` follows customers from acquired to won back.
:mod:`~clvlib.analysis.ml_clv` and :mod:`~clvlib.analysis.churn_prediction` set learned models
against the probabilistic ones on features from :mod:`~clvlib.analysis.ml_features`, scored by
:mod:`~clvlib.analysis.prediction_metrics`; :mod:`~clvlib.analysis.monitoring` refits BG/NBD monthly.
:mod:`~clvlib.analysis.spark_scoring` runs :mod:`~clvlib.analysis.predictive_clv` on a Spark
DataFrame of customers, batch by batch on the executors.
"""
