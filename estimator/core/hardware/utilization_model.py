"""The fitted whole-run utilisation model: what the profiles and the estimate read.

Pure: a :class:`UtilizationModel` (rebuilt from ``estimator/data/utilization_fit.json`` by
:meth:`UtilizationModel.from_dict`, the file read at the edge) predicts a run's utilisation,
its centre and its stated interval (:class:`Prediction`). How it is fitted, and the model's
derivation, are in ``estimator/fit/utilization_fit.py``; its validation in
``estimator/fit/utilization_cv.py``; the fitted numbers in ``profiles/README.md``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from estimator.core.base.errors import DataFileError, InputError
from estimator.core.base.interval import LEVEL
from estimator.core.base.number_text import gfmt

# Student-t degrees of freedom of the residuals: ν = 4 is Lange, Little & Taylor's (1989)
# default (other ν were tried: estimator/fit/utilization_fit.py, T_DOF_CHOICES).
T_DOF = 4.0
# Covariate reference points (where the intercept sits): 1e22 FLOPs, near the middle (log scale)
# of the fitted runs; 2 years between the chip's release and the run.
LOG10_FLOPS_REF = 22.0
MATURITY_REF_YEARS = 2.0
# The family label of a prediction from the pooled fit (a device with no fitted family).
POOLED = "pooled"


# The flat rule, the third centre a device without runs may take (NEW_DEVICE_CENTRES): a fixed
# whole-run utilisation of 30% of dense peak. Not fitted: it is the naive baseline issue 9 sets
# every accuracy figure beside, and the utilisation Epoch AI assumes where it derives FLOPs from
# hardware time (the rows the project leaves out as circular; estimator/services/training/runs.py).
RULE = "rule"
RULE_UTILIZATION = 0.30
RULE_LABEL = f"{RULE_UTILIZATION:.0%} rule"  # the baseline in words, "30% rule", in labels and column names
# The most a whole run's utilisation can be: its matrix multiplies' own efficiency, which every other part of a step
# only lowers: the step model's fitted asymptotic GEMM efficiency, 0.76 of the dense peak (estimator/data/step_fit.json
# gemm_efficiency 0.7625, fitted by `python -m estimator fit-step` to 79 published layouts; a test holds the
# two together). An interval's end and an extrapolated centre stop there (researcher review 2026-11-27: "80% interval
# 0.31-1.00" for a large A100 run; 1.0, the peak itself, was the cap). No published run in the data comes near it:
# the highest, phi-2, reached 0.63 (`python -m estimator validate`).
UTILIZATION_CEILING = 0.76


def family_label(family: str | None) -> str:
    """A family for people: "H100", "TPU v4"; the pooled fit (None or POOLED) "pooled"; the flat
    rule "the 30% rule"."""
    if family is None or family == POOLED:
        return POOLED
    if family == RULE:
        return f"the {RULE_UTILIZATION:.0%} rule"
    return family.upper().replace("TPU-V", "TPU v")


# How a device without runs of its own chip is centred (``UtilizationModel.new_device_centre``):
# its nearest family's fit, the pooled fit, or the flat rule. The fit chooses by holding families
# out whole (estimator/fit/new_family.py, choose_centre); the first wins a tie, so a fit is kept
# over the rule unless the rule predicted the held-out families strictly better.
NEAREST = "nearest"
NEW_DEVICE_CENTRES = (NEAREST, POOLED, RULE)

# The covariates a candidate may use, each with a label for people.
COVARIATES = {
    "log10_flops": "log10 FLOPs",                    # bigger runs are better tuned
    "maturity_years": "years since the chip's release",  # software matures after a chip ships
}


@dataclass(frozen=True)
class LowPrecision:
    """What a step at fp8 gains over the same step at bf16, as the fitted training step model times the published FP8
    layouts it was fitted to (estimator/data/step_fit.json's low_precision, written by `python -m estimator fit-step`):
    the median pace (tokens/s at fp8 ÷ at bf16) and its range over those rows. A utilisation that is a share of the
    16-bit peak (the fit's runs were measured so) is taken at a lower precision so that the run goes this pace per
    halving of the bits, at most the peaks' ratio (``core.training.utilization_choice.Lowered``)."""
    pace: float
    pace_range: tuple[float, float]
    rows: int


@dataclass(frozen=True)
class Spec:
    """One candidate model: which covariates, how hard family offsets are shrunk, and how heavy
    the residuals' tails are."""

    covariates: tuple[str, ...]
    shrinkage: float  # λ: ridge on the family offsets, in units of s² (τ² = s²/λ)
    dof: float = T_DOF  # ν: the Student-t degrees of freedom of the residuals

    def label(self) -> str:
        names = " + ".join(COVARIATES[c] for c in self.covariates) or "no covariate"
        return f"{names}, λ = {gfmt(self.shrinkage)}, ν = {gfmt(self.dof)}"


def covariate_value(name: str, flops: float | None = None, year: float | None = None,
                    release_year: float | None = None) -> float | None:
    """A covariate's value relative to its reference point, or None when it is unknown."""
    if name == "log10_flops":
        return None if flops is None else math.log10(flops) - LOG10_FLOPS_REF
    if name == "maturity_years":
        if year is None or release_year is None:
            return None
        return year - release_year - MATURITY_REF_YEARS
    raise InputError(f"unknown covariate '{name}'")


@dataclass(frozen=True)
class Covariate:
    name: str
    slope: float                   # per unit (per decade of FLOPs, per year)
    range: tuple[float, float]     # fitted min and max; predictions are clipped to it
    mean: float                    # used, with its variance, when a prediction lacks the value
    var: float


@dataclass(frozen=True)
class FamilyFit:
    family: str
    offset_log: float        # a_f
    scale_log: float         # s_f
    n_runs: int
    runs: tuple[str, ...]
    release_year: int | None = None  # the family's first release: its members' maturity counts from it
    # the family's own interval multiplier (conformal over its own runs' leave-one-paper-out residuals;
    # the fit no longer writes one since issue 53: estimator/fit/utilization_fit.py, user_run_multiplier); None: the
    # pooled one is used
    interval_multiplier: float | None = None


@dataclass(frozen=True)
class Prediction:
    """Predicted whole-run utilisation: the centre (median) and the stated interval."""

    center: float
    low: float
    high: float
    level: float
    sigma_log: float         # the predictive scale in ln units; the interval is centre ± multiplier·σ
    family: str              # the family whose fit was used ("pooled" for none)
    n_runs: int              # runs of that family in the fit
    borrowed: bool           # True when the device has no runs and takes a neighbour's fit
    unknown: tuple[str, ...] = ()  # covariates averaged over because the run did not give them
    # whose residuals calibrated the multiplier: "family" (its own runs), "all runs" (pooled) or
    # "held-out families" (a device without runs: estimator/fit/new_family.py)
    interval_from: str = "all runs"
    # covariates the run gives outside the fitted runs' range: the fit is held at the range's edge
    # there, not extrapolated (``UtilizationModel.predict``)
    held_at_edge: tuple[str, ...] = ()


@dataclass(frozen=True)
class UtilizationModel:
    spec: Spec
    center_log: float                     # μ
    covariates: tuple[Covariate, ...]
    scale_log: float                      # pooled s
    tau_log: float                        # between-family spread τ
    families: Mapping[str, FamilyFit]
    param_names: tuple[str, ...]
    param_cov: tuple[tuple[float, ...], ...]
    n_runs: int
    level: float = LEVEL
    interval_multiplier: float = 1.0      # centre ± multiplier·σ is the stated interval (conformal, pooled);
                                          # a family with its own multiplier uses that one instead
    # a device without runs centred on the pooled fit: the multiplier calibrated on families held
    # out whole and predicted from the pooled fit (estimator/fit/new_family.py); None (too few
    # families to hold out): such a device takes the pooled multiplier
    new_family_multiplier: float | None = None
    max_devices: int | None = None        # the most devices any fitted run used (None: not recorded)
    # a device without runs of its own chip: centred on its nearest family's fit ("nearest"), on
    # the pooled fit ("pooled") or on the flat rule ("rule"), whichever predicted families held out
    # whole best (estimator/fit/new_family.py, choose_centre). The same chip on another board (the
    # profile's same_chip) always takes its family's fit.
    new_device_centre: str = NEAREST
    # a device without runs centred on a family's fit (its chip's family, or its nearest family when
    # the fit chose NEAREST): calibrated on families held out whole and predicted from their nearest
    # family; None: too few families, the family's own multiplier (or the pooled one) is used
    neighbour_multiplier: float | None = None
    # a device without runs centred on the flat rule (RULE_UTILIZATION): calibrated on families held out
    # whole and scored against the rule; None: too few families, the pooled multiplier is used
    rule_multiplier: float | None = None
    # what a lower precision gains on a whole step (``LowPrecision``: the step fit's, attached by the loader, never by
    # fit-utilization); None: not attached, the share of a lower precision's peak taken as the 16-bit one's
    low_precision: LowPrecision | None = None

    def borrowed_family(self, nearest: str, same_chip: bool = False) -> str | None:
        """The fit a device without runs uses, given its nearest family (None: the pooled fit;
        RULE: the flat rule). The same chip on another board keeps its family's fit."""
        if same_chip and nearest != POOLED:
            return nearest
        if self.new_device_centre == RULE:
            return RULE
        if nearest == POOLED or self.new_device_centre == POOLED:
            return None
        return nearest

    def predict_rule(self) -> Prediction:
        """A device without runs centred on the flat rule: RULE_UTILIZATION, its interval the pooled
        scale and the between-family spread, σ = √(s² + τ²), times the multiplier calibrated on
        families held out whole (``rule_multiplier``). The rule takes no covariate, so the run's
        FLOPs and year change nothing."""
        sigma = math.hypot(self.scale_log, self.tau_log)
        q, interval_from = ((self.interval_multiplier, "all runs") if self.rule_multiplier is None
                            else (self.rule_multiplier, "held-out families"))
        return Prediction(center=RULE_UTILIZATION, low=RULE_UTILIZATION * math.exp(-q * sigma),
                          high=min(RULE_UTILIZATION * math.exp(q * sigma), UTILIZATION_CEILING), level=self.level, sigma_log=sigma,
                          family=RULE, n_runs=self.n_runs, borrowed=True, interval_from=interval_from)

    def covariate(self, name: str) -> Covariate | None:
        return next((c for c in self.covariates if c.name == name), None)

    def predict(self, family: str | None, flops: float | None = None, *, year: float | None = None,
                release_year: float | None = None, borrowed: bool = False) -> Prediction:
        """Utilisation for a run of ``flops`` in ``year`` on a device of ``family`` released in
        ``release_year``. A member of the family (not ``borrowed``) counts its years from the
        family's first release instead, as its runs did in the fit. ``borrowed`` adds τ² (a
        device with no runs of its own using its nearest family's fit, with its own release
        year) and takes the multiplier for devices without runs; ``family=None`` is the pooled
        fit, borrowed the same way. A covariate the run does not
        give (no year, say) is averaged over the fitted runs: its mean, and its variance times
        the slope² added to the prediction's. ``family=RULE`` is the flat rule
        (:meth:`predict_rule`)."""
        if family == RULE:
            return self.predict_rule()
        vec = np.zeros(len(self.param_names))
        vec[0] = 1.0
        center_log = self.center_log
        extra_var = 0.0
        unknown, held = [], []
        if family is not None and not borrowed and family in self.families:
            release_year = self.families[family].release_year or release_year
        for c in self.covariates:
            x = covariate_value(c.name, flops, year, release_year)
            if x is None:
                x = c.mean
                extra_var += c.slope ** 2 * c.var
                unknown.append(c.name)
            elif not c.range[0] <= x <= c.range[1]:
                held.append(c.name)
            x = float(np.clip(x, *c.range))
            vec[self.param_names.index(c.name)] = x
            center_log += c.slope * x
        if family is not None:
            if family not in self.families:
                raise InputError(f"no fitted utilisation for hardware family '{family}'; "
                                 f"fitted families: {', '.join(sorted(self.families))}")
            fam = self.families[family]
            vec[self.param_names.index(f"family:{family}")] = 1.0
            center_log += fam.offset_log
            scale, n_runs = fam.scale_log, fam.n_runs
            q, interval_from = ((self.interval_multiplier, "all runs") if fam.interval_multiplier is None
                                else (fam.interval_multiplier, "family"))
        else:
            scale, n_runs = self.scale_log, self.n_runs
            borrowed = True
            q, interval_from = self.interval_multiplier, "all runs"
        held_out_q = self.new_family_multiplier if family is None else self.neighbour_multiplier
        if borrowed and held_out_q is not None:
            q, interval_from = held_out_q, "held-out families"
        cov = np.asarray(self.param_cov)
        var = scale ** 2 + float(vec @ cov @ vec) + (self.tau_log ** 2 if borrowed else 0.0) + extra_var
        sigma = math.sqrt(var)
        cap = UTILIZATION_CEILING
        return Prediction(center=min(math.exp(center_log), cap), low=min(math.exp(center_log - q * sigma), cap),
                          high=min(math.exp(center_log + q * sigma), cap), level=self.level, sigma_log=sigma,
                          family=family or POOLED, n_runs=n_runs, borrowed=borrowed, unknown=tuple(unknown),
                          interval_from=interval_from, held_at_edge=tuple(held))

    # -- the data file ----------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        return {
            "spec": {"covariates": list(self.spec.covariates), "shrinkage": self.spec.shrinkage,
                     "dof": self.spec.dof, "label": self.spec.label()},
            "center_log": self.center_log,
            "covariates": {c.name: {"slope": c.slope, "range": list(c.range), "mean": c.mean, "var": c.var}
                           for c in self.covariates},
            "scale_log": self.scale_log,
            "tau_log": self.tau_log,
            "families": {f: {"offset_log": x.offset_log, "scale_log": x.scale_log, "n_runs": x.n_runs,
                             "runs": list(x.runs), "release_year": x.release_year,
                             "interval_multiplier": x.interval_multiplier}
                         for f, x in sorted(self.families.items())},
            "param_names": list(self.param_names),
            "param_cov": [list(r) for r in self.param_cov],
            "n_runs": self.n_runs,
            "level": self.level,
            "interval_multiplier": self.interval_multiplier,
            "new_family_multiplier": self.new_family_multiplier,
            "max_devices": self.max_devices,
            "new_device_centre": self.new_device_centre,
            "neighbour_multiplier": self.neighbour_multiplier,
            "rule_multiplier": self.rule_multiplier,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], source: str = "utilization fit") -> UtilizationModel:
        """Rebuild a model from ``to_dict`` output, checking every field (DataFileError names it)."""
        fix = "re-run `python -m estimator fit-utilization`"

        def num(d, key, where=""):
            v = d.get(key) if isinstance(d, Mapping) else None
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
                raise DataFileError(f"{source}: '{where}{key}' must be a finite number, got {v!r}; {fix}")
            return float(v)
        try:
            spec_d = data["spec"]
            names_cov = tuple(str(c) for c in spec_d["covariates"])
            unknown = [c for c in names_cov if c not in COVARIATES]
            if unknown:
                raise DataFileError(f"{source}: unknown covariate '{unknown[0]}'; {fix}")
            spec = Spec(names_cov, num(spec_d, "shrinkage", "spec."), num(spec_d, "dof", "spec."))
            covs = []
            for name in names_cov:
                c = data["covariates"][name]
                rng = tuple(float(v) for v in c["range"])
                covs.append(Covariate(name, num(c, "slope", f"covariates.{name}."), (rng[0], rng[1]),
                                      num(c, "mean", f"covariates.{name}."), num(c, "var", f"covariates.{name}.")))
            fams = {}
            for name, f in data["families"].items():
                year = f.get("release_year")
                own_q = f.get("interval_multiplier")
                if own_q is not None and num(f, "interval_multiplier", f"families.{name}.") <= 0:
                    raise DataFileError(f"{source}: 'families.{name}.interval_multiplier' must be above 0, "
                                        f"got {own_q!r}; {fix}")
                fams[name] = FamilyFit(name, num(f, "offset_log", f"families.{name}."),
                                       num(f, "scale_log", f"families.{name}."), int(num(f, "n_runs", f"families.{name}.")),
                                       tuple(str(r) for r in f.get("runs", ())),
                                       None if year is None else int(num(f, "release_year", f"families.{name}.")),
                                       None if own_q is None else float(own_q))
            names = tuple(str(n) for n in data["param_names"])
            cov = tuple(tuple(float(v) for v in row) for row in data["param_cov"])
        except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
            raise DataFileError(f"{source}: malformed utilisation fit ({exc!r}); {fix}") from None
        centre = data.get("new_device_centre", NEAREST)
        if centre not in NEW_DEVICE_CENTRES:
            raise DataFileError(f"{source}: 'new_device_centre' must be one of {', '.join(NEW_DEVICE_CENTRES)}, "
                                f"got {centre!r}; {fix}")
        if centre == RULE and data.get("rule_multiplier") is None:
            raise DataFileError(f"{source}: 'new_device_centre' is 'rule' but 'rule_multiplier' is missing: the rule's "
                                f"interval is calibrated on families held out whole; {fix}")
        if len(cov) != len(names) or any(len(r) != len(names) for r in cov):
            raise DataFileError(f"{source}: parameter covariance does not match the parameter names; {fix}")
        if not all(math.isfinite(v) for r in cov for v in r):
            raise DataFileError(f"{source}: parameter covariance has non-finite values; {fix}")
        expected = ("intercept",) + names_cov + tuple(f"family:{f}" for f in fams)
        if names != expected:
            raise DataFileError(f"{source}: parameter names {names} do not match the covariates and families; {fix}")
        model = cls(spec=spec, center_log=num(data, "center_log"), covariates=tuple(covs),
                    scale_log=num(data, "scale_log"), tau_log=num(data, "tau_log"), families=fams,
                    param_names=names, param_cov=cov, n_runs=int(num(data, "n_runs")), level=num(data, "level"),
                    interval_multiplier=num(data, "interval_multiplier"),
                    new_family_multiplier=None if data.get("new_family_multiplier") is None
                    else num(data, "new_family_multiplier"),
                    max_devices=None if data.get("max_devices") is None else int(num(data, "max_devices")),
                    new_device_centre=centre,
                    neighbour_multiplier=None if data.get("neighbour_multiplier") is None
                    else num(data, "neighbour_multiplier"),
                    rule_multiplier=None if data.get("rule_multiplier") is None else num(data, "rule_multiplier"))
        if not (0 < model.level < 1 and model.interval_multiplier > 0 and model.scale_log > 0 and model.tau_log >= 0
                and spec.dof > 0 and (model.new_family_multiplier is None or model.new_family_multiplier > 0)
                and (model.neighbour_multiplier is None or model.neighbour_multiplier > 0)
                and (model.rule_multiplier is None or model.rule_multiplier > 0)
                and (model.max_devices is None or model.max_devices >= 1)):
            raise DataFileError(f"{source}: level, interval multipliers, scale, tau, ν or max_devices out of range; {fix}")
        return model
