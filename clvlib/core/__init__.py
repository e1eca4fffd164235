"""Foundations every other part imports and that import nothing above them: time units,
input checks, calendar arithmetic, discounting and the product-limit estimator."""
