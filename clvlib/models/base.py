"""The contract every fitted model follows, written once: fit, parameters, summary, save and load.

Every model in :mod:`clvlib.models.contractual` and :mod:`clvlib.models.noncontractual`
derives from :class:`FittedModel`, so a user who knows one knows all:

* ``Model(time_unit=...)`` stores its arguments; ``fit(...)`` returns the model;
* what was learned ends in ``_``: ``params_`` (a Series named by parameter, also one
  attribute per parameter such as ``alpha_``), ``log_likelihood_``, ``aic_``, ``n_obs_``
  (customers used) and ``time_unit_`` (always a :class:`~clvlib.core.units.TimeUnit`);
* ``summary``: one table with the same columns for every model (:data:`SUMMARY_COLUMNS`);
* ``Model.from_params(params, time_unit=...)`` builds a ready-to-predict model from known
  parameters (a paper's table, a simulation's truth); its standard errors are unknown (NaN);
* ``to_dict()`` / ``Model.from_dict(d)`` save and load a fitted model as plain JSON types;
* asking an unfitted model for anything raises :class:`NotFittedError`.

Example
-------
>>> import json
>>> from clvlib.models.contractual import ShiftedBetaGeometric
>>> model = ShiftedBetaGeometric(time_unit="year").fit([1000, 631, 468, 382, 326, 289, 262, 241])
>>> list(model.summary.columns)
['estimate', 'std_error', 'lower_95', 'upper_95']
>>> round(model.aic_, 2)   # 2 parameters: 2 * 2 - 2 * (-1680.265)
3364.53
>>> saved = json.dumps(model.to_dict())
>>> loaded = ShiftedBetaGeometric.from_dict(json.loads(saved))
>>> bool(loaded.survival(5) == model.survival(5))
True
>>> ShiftedBetaGeometric(time_unit="year").survival(5)
Traceback (most recent call last):
...
clvlib.models.base.NotFittedError: This ShiftedBetaGeometric is not fitted yet: call ShiftedBetaGeometric(...).fit(survivors) first, or build one from known parameters with ShiftedBetaGeometric.from_params(...).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Self

import numpy as np
import pandas as pd

from clvlib.core.units import TimeUnit
from clvlib.models.fitting import standard_errors, summary_table

#: The columns of every model's ``summary``, in this order.
SUMMARY_COLUMNS = ["estimate", "std_error", "lower_95", "upper_95"]


class NotFittedError(ValueError):
    """A model was asked for a prediction or a summary before it was fitted."""


def check_fitted(model: FittedModel) -> None:
    """Raise :class:`NotFittedError`, naming the model and the call to make, unless it is fitted."""
    if getattr(model, "params_", None) is None:
        name = type(model).__name__
        raise NotFittedError(
            f"This {name} is not fitted yet: call {name}(...).{model.fit_call} first, "
            f"or build one from known parameters with {name}.from_params(...)."
        )


def _json_float(value) -> float | None:
    """A plain float for JSON; None for a missing (NaN) value, which JSON cannot hold."""
    value = float(value)
    return None if math.isnan(value) else value


def _float(value) -> float:
    return float("nan") if value is None else float(value)


class FittedModel:
    """Base of every fitted model: stores what ``fit`` learned and serves the shared verbs.

    A subclass declares ``param_names`` (all parameters are positive numbers) and
    ``fit_call`` (named in the not-fitted error), and ends its ``fit`` with
    :meth:`_set_fit`. Models with more state than their parameters (a cohort's length,
    a baseline model) override :meth:`_extra_state` and :meth:`_restore_extra_state`.
    """

    param_names: ClassVar[tuple[str, ...]] = ()
    fit_call: ClassVar[str] = "fit(...)"

    def __init__(self, time_unit: TimeUnit | str = "week"):
        self.time_unit = TimeUnit.parse(time_unit)

    # ------------------------------------------------------------------ fitted state
    def _set_fit(
        self,
        params,
        *,
        time_unit: TimeUnit | str,
        log_likelihood: float,
        n_obs: float,
        value_and_grad: Callable[[np.ndarray], tuple[float, np.ndarray]] | None = None,
    ) -> Self:
        """Record a fit: parameters (in ``param_names`` order), unit, log-likelihood and size.

        ``value_and_grad(params) -> (LL, gradient)`` on the fitted data gives the standard
        errors (from the Hessian) when ``summary`` is first asked for; None leaves them NaN.
        """
        values = np.asarray(params, dtype=float).ravel()
        self.params_ = pd.Series(values, index=pd.Index(self.param_names, name="parameter"), name="estimate")
        for name, value in zip(self.param_names, values, strict=True):
            setattr(self, f"{name}_", float(value))
        self.time_unit_ = TimeUnit.parse(time_unit)
        self.log_likelihood_ = float(log_likelihood)
        self.n_obs_ = float(n_obs)
        self._value_and_grad = value_and_grad
        self._std_error: np.ndarray | None = None
        return self

    @property
    def n_customers_(self) -> float:
        """The customers the model was fitted on (the same as ``n_obs_``)."""
        check_fitted(self)
        return self.n_obs_

    @property
    def aic_(self) -> float:
        """Akaike information criterion 2k - 2 LL (k parameters); NaN when the LL is unknown."""
        check_fitted(self)
        return 2.0 * len(self.param_names) - 2.0 * self.log_likelihood_

    @property
    def summary(self) -> pd.DataFrame:
        """Estimate, standard error and 95% Wald bounds per parameter (in ``time_unit_``).

        ``attrs`` hold ``time_unit`` and ``log_likelihood``. Standard errors come from the
        Hessian of the log-likelihood at the estimates; they are NaN for a model built
        with :meth:`from_params`.
        """
        check_fitted(self)
        if self._std_error is None:
            if self._value_and_grad is None:
                self._std_error = np.full(len(self.param_names), np.nan)
            else:
                self._std_error = standard_errors(self._value_and_grad, self.params_.to_numpy())
        table = summary_table(self.params_, self._std_error)
        table.attrs.update(time_unit=self.time_unit_.value, log_likelihood=self.log_likelihood_)
        return table

    # ------------------------------------------------------------------ known parameters
    @classmethod
    def _checked_params(cls, params) -> np.ndarray:
        """Parameters by name (dict or Series) or in ``param_names`` order, each a positive number."""
        names = list(cls.param_names)
        if isinstance(params, Mapping | pd.Series):
            given = list(params.keys())
            missing = [n for n in names if n not in given]
            extra = [n for n in given if n not in names]
            if missing or extra:
                raise ValueError(
                    f"{cls.__name__} has the parameters {', '.join(names)}; "
                    + "; ".join(
                        part
                        for part in (
                            f"missing {', '.join(map(str, missing))}" if missing else "",
                            f"unknown {', '.join(map(str, extra))}" if extra else "",
                        )
                        if part
                    )
                    + "."
                )
            values = np.array([float(params[n]) for n in names])
        else:
            values = np.asarray(params, dtype=float).ravel()
            if values.size != len(names):
                raise ValueError(
                    f"{cls.__name__} has {len(names)} parameters ({', '.join(names)}); got {values.size} values."
                )
        bad = [n for n, v in zip(names, values, strict=True) if not (np.isfinite(v) and v > 0)]
        if bad:
            raise ValueError(f"{cls.__name__} parameters must be positive numbers; check {', '.join(bad)}.")
        return values

    @classmethod
    def from_params(cls, params, *, time_unit: TimeUnit | str) -> Self:
        """A ready-to-predict model with known parameters (by name, or in ``param_names`` order).

        Nothing was fitted, so ``log_likelihood_``, ``n_obs_``, ``aic_`` and the standard
        errors are NaN; ``time_unit`` is the period the parameters are expressed in.
        """
        model = cls(time_unit=time_unit)
        model._set_fit(
            cls._checked_params(params), time_unit=time_unit, log_likelihood=float("nan"), n_obs=float("nan")
        )
        model._restore_extra_state({})
        return model

    # ------------------------------------------------------------------ save and load
    def _extra_state(self) -> dict[str, Any]:
        """Model-specific state predictions need beyond the parameters (JSON types only)."""
        return {}

    def _restore_extra_state(self, extra: dict[str, Any]) -> None:
        """Set what :meth:`_extra_state` saved (an empty dict: the defaults of a model built
        from known parameters)."""

    def to_dict(self) -> dict[str, Any]:
        """The fitted model as plain JSON types (``json.dumps`` works); load with :meth:`from_dict`.

        Holds the model name, time unit, parameters, their standard errors,
        log-likelihood, n_obs and whatever else predictions need; not the data.
        """
        check_fitted(self)
        std_error = self.summary["std_error"]
        return {
            "model": type(self).__name__,
            "time_unit": self.time_unit_.value,
            "params": {name: float(value) for name, value in self.params_.items()},
            "std_error": {name: _json_float(value) for name, value in std_error.items()},
            "log_likelihood": _json_float(self.log_likelihood_),
            "n_obs": _json_float(self.n_obs_),
            "extra": self._extra_state(),
        }

    @classmethod
    def from_dict(cls, saved: Mapping[str, Any]) -> Self:
        """The model that :meth:`to_dict` saved; predictions and ``summary`` are as before saving."""
        kind = saved.get("model") if isinstance(saved, Mapping) else None
        if kind != cls.__name__:
            what = f"a saved {kind}" if kind else "not a saved model (no 'model' entry)"
            hint = f" Load it with {kind}.from_dict(...)." if kind else " Save one with model.to_dict()."
            raise ValueError(f"This dictionary is {what}, so {cls.__name__}.from_dict cannot load it.{hint}")
        model = cls.from_params(saved["params"], time_unit=saved["time_unit"])
        model.log_likelihood_ = _float(saved.get("log_likelihood"))
        model.n_obs_ = _float(saved.get("n_obs"))
        errors = saved.get("std_error") or {}
        model._std_error = np.array([_float(errors.get(name)) for name in cls.param_names])
        model._restore_extra_state(dict(saved.get("extra") or {}))
        return model
