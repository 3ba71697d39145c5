"""What a user asks (pure): the training ``Scenario`` and the ``Site`` it shares with serving,
the bounds every input is held to, and the checks that refuse bad or contradictory inputs.

``estimator.core.training.estimate`` turns a checked scenario and a hardware profile into an estimate.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from estimator.core.base import bounds as B
from estimator.core.base import validation as v
from estimator.core.base.errors import InputError
from estimator.core.base.number_text import gfmt
from estimator.core.hardware.profile import precision_name

_AS_GIVEN = frozenset((int, float, str, bool, tuple, type(None)))  # the types a scenario's field keeps as they are


@dataclass(frozen=True, kw_only=True)
class Site:
    """Where the devices run and what they cost: the inputs every priced scenario shares (training
    ``Scenario`` and serving ``InferenceScenario``). ``None``: the profile's value or the default.
    Keyword-only, so that a scenario's own positional fields come first. ``per_device``: a value
    that belongs to the device (on other hardware it does not apply, ``presets.DEVICE_FIELDS``)."""

    power_w: float | None = field(default=None, metadata={"per_device": True})
    pue: float | None = None
    carbon_intensity_g_per_kwh: float | None = None
    carbon_intensity_source: str | None = None  # where the intensity comes from (a region, a cloud, "given")
    grid_country: str | None = None  # ISO-3 country of that grid, when a region or cloud names it (for water)
    price_usd_per_device_hour: float | None = field(default=None, metadata={"per_device": True})
    electricity_usd_per_kwh: float | None = None

    def __new__(cls, *args, **kwargs):
        # a misspelt input is refused by name with the nearest one, as the keyword calls refuse it (API review
        # 2026-11-29: Scenario(devcies=8) was Python's TypeError); the generated __init__ takes the rest
        v.refuse_unknown(kwargs, [f.name for f in fields(cls)])
        return super().__new__(cls)

    def __post_init__(self):
        # a number of any real type (a Fraction, a Decimal, a numpy scalar) as a float, as the arithmetic and the
        # text take it (audit: a Fraction of parameters was a TypeError while formatting); the checks refuse the rest
        for name, value in self.__dict__.items():
            if type(value) not in _AS_GIVEN:
                self.__dict__[name] = v.plain_number(value)  # a value replaced, no key added: the loop holds
            if type(self.__dict__[name]) is float and self.__dict__[name] == 0:
                # a negative zero as zero: a result is never -0.0, in the API as in the CLI (parity review 2026-12-03:
                # a grid intensity of -0.0 gave co2e_kg -0.0 where the CLI printed 0.0)
                self.__dict__[name] = 0.0
        # a precision as the CLI takes it ("MXFP8", "FP8" are fp8: ``precision_name``), once, here: every reading of
        # it (the peak, the fp8 share, a calibration's own figure) sees one name (API review 2026-12-02: the API ran
        # "MXFP8" at the 16-bit share while the CLI ran it at fp8's, 3.78 years against 5.64)
        if "precision" in self.__dict__:
            self.__dict__["precision"] = precision_name(self.precision)


SITE_FIELDS = tuple(f.name for f in fields(Site))
DEVICE_SITE_FIELDS = tuple(f.name for f in fields(Site) if f.metadata.get("per_device"))


@dataclass(frozen=True)
class Scenario(Site):
    """What the user asked. ``None`` means: take the profile's value or the default.

    The site fields (power, PUE, grid, price) come from ``Site``. Fields marked ``footprint``
    change only the embodied carbon and the water, not the time, energy, CO₂e or cost."""

    flops: float | None = None
    flops_source: str | None = None  # how the FLOPs were derived (architecture, generic network)
    params: float | None = None
    tokens: float | None = None
    # a mixture of experts: the parameters each token computes with (its active experts and the shared layers),
    # the N of 6·N·D where it is below ``params`` (None: every parameter computes). Set from the catalog model or
    # the step model's active parameters (estimator.services.api.run), not an input of its own.
    active_params: float | None = field(default=None, metadata={"record": True})
    recompute: bool = False
    devices: int = 1
    utilization: float | None = None
    precision: str | None = None
    hours: float | None = None
    device_hours: float | None = None
    year: int | None = None  # when the run happens: a covariate of the utilisation fit (None: unknown)
    # the devices' embodied (manufacturing) CO2e, their service life for it (None: 5, range 4–6),
    # the kind of data centre for on-site water (estimator/core/footprint/water.py), on-site water per kWh of
    # IT energy, off-site water per kWh of electricity
    embodied: bool = field(default=True, metadata={"footprint": True})
    lifetime_years: float | None = field(default=None, metadata={"footprint": True})
    cooling: str | None = field(default=None, metadata={"footprint": True})
    wue_l_per_kwh: float | None = field(default=None, metadata={"footprint": True})
    ewif_l_per_kwh: float | None = field(default=None, metadata={"footprint": True})
    # who set each field: (field, "preset:<id>") pairs; a field not listed was set by the user
    origins: tuple[tuple[str, str], ...] = field(default=(), metadata={"record": True})
    # where each preset-set field comes from: (field, citation) pairs; a field not listed: "given"
    sources: tuple[tuple[str, str], ...] = field(default=(), metadata={"record": True})

    def origin(self, name: str) -> str:
        """Who set ``name``: "user" or "preset:<id>"."""
        return dict(self.origins).get(name, "user")

    def source(self, name: str) -> str:
        """Where the value of ``name`` comes from: the preset's citation, or "given"."""
        return dict(self.sources).get(name, "given")


# Inputs that change only the embodied carbon and the water: a preset's published time, energy,
# CO2e and cost are still its own when they are set.
FOOTPRINT_FIELDS = tuple(f.name for f in fields(Scenario) if f.metadata.get("footprint"))
# What a user gives (the CLI's and the API's inputs): every field but the records of who set them and
# how the FLOPs or the grid intensity were found.
DERIVED_TEXT_FIELDS = ("flops_source", "carbon_intensity_source", "grid_country")
INPUT_FIELDS = tuple(f.name for f in fields(Scenario)
                     if not f.metadata.get("record") and f.name not in DERIVED_TEXT_FIELDS)


# Each numeric Scenario field, how its messages name it, and its plausible bound (estimator/core/base/bounds.py):
# the CLI, the app and the Python API refuse the same inputs. One home: the inputs' declarations
# (estimator/services/inputs.py, which the core cannot import) take both from here.
SCENARIO_BOUNDS = {
    "flops": ("FLOPs", B.FLOPS), "params": ("parameters", B.PARAMS), "tokens": ("tokens", B.TOKENS),
    "devices": ("devices", B.DEVICES), "utilization": ("utilisation", B.UTILIZATION),
    "hours": ("hours", B.HOURS), "device_hours": ("device-hours", B.DEVICE_HOURS),
    "power_w": ("power per device (W)", B.POWER_W), "pue": ("PUE", B.PUE),
    "carbon_intensity_g_per_kwh": ("grid carbon intensity (g/kWh)", B.CARBON_INTENSITY_G_PER_KWH),
    "price_usd_per_device_hour": ("price per device-hour (USD)", B.PRICE_USD_PER_DEVICE_HOUR),
    "electricity_usd_per_kwh": ("electricity price (USD/kWh)", B.ELECTRICITY_USD_PER_KWH),
    "year": ("year", B.YEAR),
    "lifetime_years": ("device lifetime (years)", B.LIFETIME_YEARS),
    "wue_l_per_kwh": ("on-site water (L/kWh)", B.WUE_L_PER_KWH),
    "ewif_l_per_kwh": ("off-site water of electricity (L/kWh)", B.EWIF_L_PER_KWH),
}
TEXT_FIELDS = ("flops_source", "precision", "carbon_intensity_source", "grid_country", "cooling")
# The site's numbers a user gives (the intensity's source comes with the intensity).
SITE_INPUTS = tuple(n for n in SITE_FIELDS if n in SCENARIO_BOUNDS)
REQUIRED_FIELDS = ("devices",)  # never None: 1 unless given


def _check_bounds(s, names) -> None:
    for name in names:
        label, bound = SCENARIO_BOUNDS[name]
        value = getattr(s, name)
        if value is not None or name in REQUIRED_FIELDS:
            # field: the dataclass field, for the CLI's flag and the app's widget
            v.require_number_in(label, value, bound, field=name)


def _check_text(s, names) -> None:
    for name in names:
        value = getattr(s, name)
        if value is not None and not isinstance(value, str):
            raise InputError(f"{name} must be text, got {repr(value)[:40]}", field=name)


def check_one_price(price_usd_per_device_hour, electricity_usd_per_kwh) -> None:
    if price_usd_per_device_hour is not None and electricity_usd_per_kwh is not None:
        raise InputError("give either a price per device-hour or an electricity price, not both",
                         field=("price_usd_per_device_hour", "electricity_usd_per_kwh"))


def validate_site(s: Site) -> None:
    """The site's numbers inside their bounds, its text text, and at most one price."""
    if not isinstance(s, Site):
        raise InputError(f"expected a scenario with a site, got {type(s).__name__}")
    _check_bounds(s, [n for n in SITE_FIELDS if n in SCENARIO_BOUNDS])
    _check_text(s, [n for n in SITE_FIELDS if n in TEXT_FIELDS])
    check_one_price(s.price_usd_per_device_hour, s.electricity_usd_per_kwh)


def _pairs_of_text(value) -> bool:
    return isinstance(value, tuple) and all(isinstance(o, tuple) and len(o) == 2 and all(isinstance(x, str) for x in o)
                                            for o in value)


def validate_scenario(s: Scenario) -> None:
    """Every input a number of the right kind inside its bound, and no two that contradict."""
    if not isinstance(s, Scenario):
        raise InputError(f"expected a Scenario, got {type(s).__name__}")
    _check_bounds(s, SCENARIO_BOUNDS)
    _check_text(s, TEXT_FIELDS)
    if not isinstance(s.recompute, bool):
        raise InputError(f"recompute must be true or false (a Python bool), got {s.recompute!r}", field="recompute")
    if not isinstance(s.embodied, bool):
        raise InputError(f"embodied must be true or false (a Python bool), got {s.embodied!r}", field="embodied")
    if not _pairs_of_text(s.origins):
        raise InputError("origins must be (field, origin) pairs of text")
    if not _pairs_of_text(s.sources):
        raise InputError("sources must be (field, source) pairs of text")
    if s.hours is not None and s.device_hours is not None:
        raise InputError("give either the hours or the device-hours of a known run, not both")
    check_one_price(s.price_usd_per_device_hour, s.electricity_usd_per_kwh)
    if s.flops is not None and (s.params is not None or s.tokens is not None):
        # the inputs given named (API review 2026-12-01: `--flops … --tokens …` was told of --params)
        raise InputError("give either the FLOPs or the parameters and tokens (6·N·D), not both",
                         field=("flops",) + tuple(k for k in ("params", "tokens") if getattr(s, k) is not None))
    if s.active_params is not None:
        if s.params is None:
            raise InputError("active parameters go with a parameter count (6·N·D)", field="active_params")
        active = v.require_number_in("active parameters", s.active_params, B.PARAMS, field="active_params")
        if active > s.params:
            raise InputError(f"the active parameters {gfmt(active, 3)} are more than the model's {gfmt(s.params, 3)}",
                             field=("active_params", "params"))
    if s.cooling is not None and s.wue_l_per_kwh is not None:
        raise InputError("give either the kind of cooling or the on-site water per kWh, not both (the cooling "
                         "only sets the on-site water)", field=("cooling", "wue_l_per_kwh"))
    if not s.embodied and s.lifetime_years is not None:
        raise InputError("the devices' lifetime only shares out their embodied CO2e, which is left out here: give "
                         "one of them", field=("embodied", "lifetime_years"))
    if s.recompute and s.params is None:
        if s.flops is None:  # researcher audit: a known time alone was told of "FLOPs given directly"
            raise InputError("activation recomputation (8·N·D) applies to parameters and tokens, and none are given: "
                             "give the parameters and tokens, or leave it out", field="recompute")
        whose = "the preset's FLOPs (its published count)" if s.origin("flops") != "user" else "FLOPs given directly"
        raise InputError(f"activation recomputation (8·N·D) applies to parameters and tokens; {whose} are used "
                         "as they are", field="recompute")
