"""Validation of analysis settings from any source: ``--set``, a ``--params`` file, the GUI,
a case's settings table (CASE_FORMAT.md "round 2").

Generic over the dataclasses of ``engine/params.py``: sections and names come from the
fields, types from the annotations (``int``, ``float``, ``bool``, ``str``, ``X | None``,
``Literal``, tuples), so a field added later is type-checked without any change here.
Ranges and choices live in ``LIMITS`` (one entry per field that has one); a field without
an entry is type-checked only. Every problem is a ``UsageError`` naming the source and the
setting, so the command line exits 2 and the GUI shows the same words.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import functools
import json
import math
import sys
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping

from engine.errors import UsageError
from engine.params import AnalysisParams

MAX_SETTINGS_FILE_BYTES = 1_000_000

#: The settings of the optional local-model drafter: the user's own choice, never a case's.
DRAFTER_FIELDS: tuple[str, ...] = ("options.use_narrative_llm", "options.narrative_model",
                                   "options.narrative_url", "options.narrative_timeout_s")


@dataclass(frozen=True)
class Limit:
    """Allowed values of one setting: a closed or open numeric interval, or choices."""

    lo: float | None = None
    hi: float | None = None
    lo_open: bool = False
    hi_open: bool = False
    choices: tuple[str, ...] = ()
    check: Callable[[Any], str | None] | None = None  # extra rule: a message when broken

    def problem(self, value: Any) -> str | None:
        """Why ``value`` is not allowed, or None."""
        if self.choices and value not in self.choices:
            return f"must be one of {', '.join(self.choices)}"
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            low_bad = self.lo is not None and (value <= self.lo if self.lo_open else value < self.lo)
            high_bad = self.hi is not None and (value >= self.hi if self.hi_open else value > self.hi)
            if low_bad or high_bad:
                return f"must lie in {self.describe()}"
        return self.check(value) if self.check is not None else None

    def describe(self) -> str:
        if self.choices:
            return "{" + ", ".join(self.choices) + "}"
        lo = "-inf" if self.lo is None else f"{self.lo:g}"
        hi = "inf" if self.hi is None else f"{self.hi:g}"
        return f"{'(' if self.lo_open else '['}{lo}, {hi}{')' if self.hi_open else ']'}"


def _iso_date(value: Any) -> str | None:
    try:
        dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return "must be an ISO date YYYY-MM-DD"
    return None


def _share(lo_open: bool = False, hi_open: bool = False) -> Limit:
    return Limit(0.0, 1.0, lo_open, hi_open)


_SEED = Limit(0, 2**32 - 1)
_DAYS = Limit(0, 10_000)
_COUNT = Limit(1, 10_000)

LIMITS: dict[str, Limit] = {
    "kmeans.window_length": Limit(2, 1000), "kmeans.window_step": Limit(1, 1000),
    "kmeans.n_windows": Limit(1, 1000), "kmeans.k": Limit(2, 200), "kmeans.k_min": Limit(2, 200),
    "kmeans.k_max": Limit(2, 200), "kmeans.elbow_tolerance": _share(True, True),
    "kmeans.first_window_restarts": Limit(1, 1000), "kmeans.k_stability_jaccard": _share(),
    "kmeans.k_max_rewarding_share": _share(True), "kmeans.stability_delta": Limit(0, 1000, lo_open=True),
    "kmeans.seed": _SEED, "kmeans.significance": _share(True, True),
    "kmeans.baseline_top_n": Limit(1, 1_000_000), "kmeans.autoencoder_hidden": Limit(1, 4096),
    "svn.theta": _share(hi_open=True), "svn.min_active_days": _COUNT,
    "svn.correction": Limit(choices=("bonferroni", "fdr", "threshold")),
    "svn.alpha": _share(True, True), "svn.threshold": _share(True, True),
    "svn.period_start": Limit(check=_iso_date), "svn.period_end": Limit(check=_iso_date),
    "svn.infomap_trials": Limit(1, 1000), "svn.infomap_seed": _SEED,
    "svn.suspicious_directionality": _share(), "svn.neighbourhood_cap": Limit(1, 1_000_000),
    "svn.sweep_low": _share(True, True), "svn.sweep_high": _share(True, True),
    "svn.sweep_per_decade": Limit(1, 100),
    "options.baseline_days": Limit(2, 10_000), "options.min_baseline_days": _COUNT,
    "options.z_cap": Limit(0, 1000, lo_open=True), "options.spike_ratio": Limit(1, 1_000_000),
    "options.voi_min_volume": Limit(0, 1e12), "options.voi_normal": Limit(0, 1_000_000),
    "options.voi_suspicious": Limit(0, 1_000_000), "options.direction_share_full": _share(),
    "options.short_expiry_days": _DAYS, "options.expiry_share_suspicious": _share(),
    "options.otm_min_moneyness": Limit(0, 100, lo_open=True),
    "options.otm_max_moneyness": Limit(0, 100, lo_open=True),
    "options.iforest_contamination": Limit(0, 0.5, lo_open=True), "options.iforest_seed": _SEED,
    "options.iforest_folds": Limit(2, 1000), "options.alert_threshold": _share(),
    "options.high_threshold": _share(), "options.high_p_value": _share(lo_open=True),
    "options.pse_lookahead_days": _DAYS, "options.otm_max_expiry_days": _DAYS,
    "options.iv_change_full": Limit(0, 100, lo_open=True),
    "options.skew_change_full": Limit(0, 100, lo_open=True),
    "options.top_accounts": Limit(0, 10_000), "options.contracts_per_alert": Limit(0, 10_000),
    "options.narrative_timeout_s": Limit(0, 3600, lo_open=True),
    "episodes.gap_multiple": Limit(0, 1000, lo_open=True), "episodes.min_gap_days": _DAYS,
    "episodes.weight_direction": _share(), "episodes.weight_concentration": _share(),
    "episodes.weight_exposure": _share(), "episodes.weight_timing": _share(),
    "episodes.timing_decay_days": Limit(0, 10_000, lo_open=True),
    "episodes.high_risk_score": Limit(200, 800),
}

# Rules across settings: (names, predicate on the whole AnalysisParams, message).
_CROSS: tuple[tuple[str, Callable[[Any], bool], str], ...] = (
    ("kmeans.k_min, kmeans.k_max", lambda p: p.kmeans.k_min <= p.kmeans.k_max, "k_min must not exceed k_max"),
    ("svn.threshold", lambda p: p.svn.correction != "threshold" or p.svn.threshold is not None,
     "correction 'threshold' needs a threshold"),
    ("svn.sweep_low, svn.sweep_high", lambda p: p.svn.sweep_low < p.svn.sweep_high,
     "sweep_low must be below sweep_high"),
    ("svn.period_start, svn.period_end", lambda p: p.svn.period_start is None or p.svn.period_end is None
     or p.svn.period_start <= p.svn.period_end, "the period must not end before it starts"),
    ("options.min_baseline_days, options.baseline_days",
     lambda p: p.options.min_baseline_days <= p.options.baseline_days, "min_baseline_days must not exceed baseline_days"),
    ("options.otm_min_moneyness, options.otm_max_moneyness",
     lambda p: p.options.otm_min_moneyness < p.options.otm_max_moneyness, "the OTM band must not be empty"),
    ("options.voi_normal, options.voi_suspicious",
     lambda p: p.options.voi_normal <= p.options.voi_suspicious, "voi_normal must not exceed voi_suspicious"),
    ("options.alert_threshold, options.high_threshold",
     lambda p: p.options.alert_threshold <= p.options.high_threshold, "alert_threshold must not exceed high_threshold"),
)


# -- the shape of the parameters, read from the dataclasses -----------------------------------
@functools.cache
def _hints(cls: type) -> Mapping[str, Any]:
    """The resolved annotations of a parameters dataclass, once per class: resolving them
    evaluates every string annotation (a case's saved settings checked them 200 times, 50 ms
    on the GUI thread when a case opened at the reference scale)."""
    return types.MappingProxyType(typing.get_type_hints(cls, vars(sys.modules[cls.__module__])))


def sections() -> dict[str, type]:
    """Section name -> its dataclass, in declaration order."""
    return dict(_hints(AnalysisParams).items())


def field_type(section: str, name: str) -> Any:
    """The annotation of one setting (``KeyError`` when unknown)."""
    return _hints(sections()[section])[name]


def _split(hint: Any) -> tuple[Any, bool]:
    """(the annotation without None, whether None is allowed)."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        none_ok = len(args) != len(typing.get_args(hint))
        return (args[0] if len(args) == 1 else typing.Union[tuple(args)]), none_ok
    return hint, False


def _unknown(kind: str, name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1)
    hint = f" (did you mean {close[0]}?)" if close else ""
    return f"unknown {kind} {name!r}{hint}"


# -- typing one value -----------------------------------------------------------------------
_TRUE, _FALSE = ("true", "yes", "on", "1"), ("false", "no", "off", "0")


def _from_text(hint: Any, text: str) -> Any:
    """A command-line string as a value of ``hint`` (ValueError with a reason)."""
    base, none_ok = _split(hint)
    if none_ok and text.strip().lower() in ("", "none", "null"):
        return None
    origin = typing.get_origin(base)
    if base is bool:
        word = text.strip().lower()
        if word in _TRUE or word in _FALSE:
            return word in _TRUE
        raise ValueError(f"{text!r} is not true or false")
    if base is int:
        try:
            return int(text.strip())
        except ValueError:
            raise ValueError(f"{text!r} is not a whole number") from None
    if base is float:
        try:
            return float(text.strip())
        except ValueError:
            raise ValueError(f"{text!r} is not a number") from None
    if base is str or origin is typing.Literal:
        return text
    try:  # tuples, lists and other structured types: JSON text
        return json.loads(text)
    except ValueError:
        raise ValueError(f"{text!r} is not JSON for {_type_name(base)}") from None


def _type_name(hint: Any) -> str:
    return getattr(hint, "__name__", None) or str(hint).replace("typing.", "")


def _typed(hint: Any, value: Any) -> Any:
    """``value`` (as read from JSON or given in code) checked against ``hint``; ValueError."""
    base, none_ok = _split(hint)
    if value is None:
        if none_ok:
            return None
        raise ValueError("must not be empty")
    origin = typing.get_origin(base)
    if base is bool:
        if isinstance(value, bool):
            return value
        raise ValueError(f"{value!r} is not true or false")
    if base is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        raise ValueError(f"{value!r} is not a whole number")
    if base is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if not math.isfinite(value):
                raise ValueError(f"{value!r} is not a finite number")
            return float(value)
        raise ValueError(f"{value!r} is not a number")
    if base is str:
        if isinstance(value, str):
            return value
        raise ValueError(f"{value!r} is not text")
    if origin is typing.Literal:
        if value in typing.get_args(base):
            return value
        raise ValueError(f"must be one of {', '.join(map(str, typing.get_args(base)))}")
    if origin in (tuple, list):
        if not isinstance(value, (list, tuple)):
            raise ValueError(f"{value!r} is not a list")
        args = [a for a in typing.get_args(base) if a is not Ellipsis]
        items = [_typed(args[0], v) for v in value] if args else list(value)
        return tuple(items) if origin is tuple else items
    if typing.get_origin(base) is typing.Union:
        for option in typing.get_args(base):
            try:
                return _typed(option, value)
            except ValueError:
                continue
        raise ValueError(f"{value!r} is not a {_type_name(base)}")
    if isinstance(base, type) and not isinstance(value, base):
        raise ValueError(f"{value!r} is not a {_type_name(base)}")
    return value


def check_value(section: str, name: str, value: Any) -> Any:
    """The typed, range-checked value of ``section.name``; ValueError with the reason."""
    typed = _typed(field_type(section, name), value)
    limit = LIMITS.get(f"{section}.{name}")
    if limit is not None and typed is not None:
        problem = limit.problem(typed)
        if problem:
            raise ValueError(f"{typed!r} {problem}")
    return typed


# -- whole settings --------------------------------------------------------------------------
def _resolve(key: str, source: str) -> tuple[str, str]:
    """``SECTION.NAME`` split and checked against the known settings."""
    section, dot, name = key.strip().partition(".")
    known = sections()
    if not dot or not name:
        raise UsageError(f"{source}: {key!r} is not SECTION.NAME (e.g. kmeans.seed)")
    if section not in known:
        raise UsageError(f"{source}: {_unknown('settings section', section, list(known))}")
    names = [f.name for f in dataclasses.fields(known[section])]
    if name not in names:
        raise UsageError(f"{source}: {_unknown('setting', key, [f'{section}.{n}' for n in names])}")
    return section, name


def _apply(params: AnalysisParams, changes: Mapping[tuple[str, str], Any], source: str) -> AnalysisParams:
    by_section: dict[str, dict[str, Any]] = {}
    for (section, name), value in changes.items():
        by_section.setdefault(section, {})[name] = value
    for section, values in by_section.items():
        params = params.replace(section, **values)
    return check_consistent(params, source)


def _has(params: AnalysisParams, names: str) -> bool:
    """Whether every ``section.name`` of a rule still exists (settings change in parallel work)."""
    return all(hasattr(getattr(params, key.split(".")[0], None), key.split(".")[1])
               for key in (n.strip() for n in names.split(",")))


def check_consistent(params: AnalysisParams, source: str) -> AnalysisParams:
    """``params`` when the rules across settings hold; UsageError naming the broken one."""
    for names, holds, message in _CROSS:
        if _has(params, names) and not holds(params):
            raise UsageError(f"{source}: {names}: {message}")
    return params


def apply_assignments(params: AnalysisParams, assignments: list[str], source: str = "--set") -> AnalysisParams:
    """``params`` with ``SECTION.NAME=VALUE`` assignments applied (later ones win)."""
    changes: dict[tuple[str, str], Any] = {}
    for assignment in assignments:
        key, eq, text = assignment.partition("=")
        if not eq:
            raise UsageError(f"{source} {assignment!r}: give SECTION.NAME=VALUE (e.g. kmeans.seed=7)")
        section, name = _resolve(key, f"{source} {key.strip()}")
        try:
            changes[(section, name)] = check_value(section, name, _from_text(field_type(section, name), text))
        except ValueError as exc:
            raise UsageError(f"{source} {section}.{name}: {exc}") from None
    return _apply(params, changes, source)


def params_from_mapping(data: Any, source: str, base: AnalysisParams | None = None) -> AnalysisParams:
    """Settings as read from a file (``{section: {name: value}}``) over ``base`` (defaults),
    every value type- and range-checked; UsageError naming the source and the setting."""
    if not isinstance(data, Mapping):
        raise UsageError(f"{source}: a settings file holds {{\"section\": {{\"name\": value}}}}")
    changes: dict[tuple[str, str], Any] = {}
    for section_name, values in data.items():
        if not isinstance(values, Mapping):
            raise UsageError(f"{source}: section {section_name!r} must map names to values")
        for name, value in values.items():
            section, field_name = _resolve(f"{section_name}.{name}", source)
            try:
                changes[(section, field_name)] = check_value(section, field_name, value)
            except ValueError as exc:
                raise UsageError(f"{source}: {section}.{field_name}: {exc}") from None
    return _apply(base or AnalysisParams(), changes, source)


def params_from_json_text(text: str, source: str, base: AnalysisParams | None = None) -> AnalysisParams:
    """``params_from_mapping`` of JSON text."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise UsageError(f"{source}: not a JSON settings file ({exc})") from None
    return params_from_mapping(data, source, base)


def read_settings_file(path: Path, base: AnalysisParams | None = None) -> AnalysisParams:
    """A settings file, every value checked; UsageError naming the file and the setting."""
    try:
        if not path.is_file():
            raise UsageError(f"{path}: the settings file does not exist or is not a regular file")
        with path.open("rb") as handle:
            data = handle.read(MAX_SETTINGS_FILE_BYTES + 1)
    except OSError as exc:
        raise UsageError(f"{path}: cannot read the settings file ({exc.strerror or exc})") from None
    if len(data) > MAX_SETTINGS_FILE_BYTES:
        raise UsageError(f"{path}: too large for a settings file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UsageError(f"{path}: a settings file is UTF-8 JSON text") from None
    return params_from_json_text(text, str(path), base)


def check_params(params: AnalysisParams, source: str) -> AnalysisParams:
    """Every setting of an already built ``params`` checked (e.g. after a dialog)."""
    return params_from_mapping(params.to_dict(), source)


def settings_json(params: AnalysisParams) -> str:
    """The settings file text read back by ``params_from_json_text``: ``{section: {name: value}}``."""
    return json.dumps(params.to_dict(), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def drafter_values(params: AnalysisParams) -> dict[str, Any]:
    """The drafter settings of ``params`` as ``{"section.name": value}``."""
    return {key: getattr(getattr(params, key.split(".")[0]), key.split(".")[1]) for key in DRAFTER_FIELDS}


def with_drafter(params: AnalysisParams, values: Mapping[str, Any] | None = None) -> AnalysisParams:
    """``params`` with the drafter settings taken from the user's own ``values`` (defaults,
    i.e. off, when None): settings read from a case never switch the drafter on."""
    defaults = drafter_values(AnalysisParams())
    chosen = {**defaults, **(values or {})}
    changes = {(k.split(".")[0], k.split(".")[1]): chosen[k] for k in DRAFTER_FIELDS}
    return _apply(params, changes, "drafter settings")
