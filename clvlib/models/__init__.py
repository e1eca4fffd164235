"""Fitted models, one per file, all on one contract (:mod:`clvlib.models.base`).

* :mod:`~clvlib.models.contractual`: subscribers who cancel (shifted-beta-geometric, constant churn);
* :mod:`~clvlib.models.noncontractual`: customers who buy when they like (BG/NBD, Pareto/NBD, Gamma-Gamma);
* :mod:`~clvlib.models.survival`: lifelines fits of lifetimes (Kaplan-Meier, parametric, Cox);
* :mod:`~clvlib.models.logistic`: logistic regression with odds ratios.
"""
