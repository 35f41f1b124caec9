"""One Qt-free entry point for the whole detection engine, used by CLI, GUI and tests.

``analyze`` runs the stages with weighted progress and cancellation, and caches the
result in the case file keyed by data hash, parameters hash, event and software version,
so reopening a case shows results without recomputing.

Each stage's modules are imported where the stage first runs, not with this module, so that
their import overlaps other work (issue 12): the k-means' (scikit-learn, scipy.stats and
scipy.optimize: about a second of CPU) while the network stage's child already runs. The
network stage's own modules (scipy.special, scipy.sparse) are imported just before that child
forks, so that it inherits them: this process needs them anyway (the options' narratives and
the result type name the network's rings), and the child importing them too cost 0.25 s of
CPU beside the k-means. The result type names every stage's result, so it is imported with them.
"""
from __future__ import annotations

import dataclasses
import hashlib
import logging
from typing import TYPE_CHECKING, Callable, TypeVar

from threadpoolctl import threadpool_limits

from engine import serialize
from engine.forked import Forked, worth_forking
from engine.market.panel import TargetPanel
from engine.params import AnalysisParams, PlaceboParams
from engine.progress import Reporter
from engine.tables import CaseTables, Event
from engine.version import SOFTWARE_VERSION

if TYPE_CHECKING:
    from engine.results import AnalysisResult
    from engine.svn.stage import SvnResult

log = logging.getLogger(__name__)
T = TypeVar("T")

STAGES: tuple[tuple[str, float], ...] = (
    ("Building the investor panel", 1.0),
    ("Dynamic k-means", 4.0),
    ("Triage episodes", 1.0),
    ("Options flow", 1.0),
    ("Validated network", 4.0),
    ("Options alerts", 0.2),
)


def _network(tables: CaseTables, event: Event, params: AnalysisParams, panel: TargetPanel,
             reporter: Reporter) -> SvnResult:
    """The network stage (its modules are imported here when it runs in this process)."""
    from engine.svn.stage import run_svn
    return run_svn(tables, event, params.svn, reporter, panel=panel)


def _fork_network(tables: CaseTables, event: Event, params: AnalysisParams, panel: TargetPanel) -> Forked[SvnResult]:
    """The network stage in a child beside this process, its modules imported here first (see
    the module's docstring)."""
    import engine.svn.stage  # noqa: F401  (inherited by the child, needed here later)
    return Forked(lambda child: _network_beside(tables, event, params, panel, child))


def _network_beside(tables: CaseTables, event: Event, params: AnalysisParams, panel: TargetPanel,
                    reporter: Reporter) -> SvnResult:
    """The network stage in its child beside the k-means, one BLAS thread: the k-means holds the
    other core, so a second thread would only wait for it (exact integer products: same bits)."""
    with threadpool_limits(1):
        return _network(tables, event, params, panel, reporter)


def plain_params(params: AnalysisParams) -> AnalysisParams:
    """The settings of the plain analysis: the placebo section at its defaults, so an analysis
    is computed and cached once whatever placebo test is asked for on top of it."""
    return dataclasses.replace(params, placebo=PlaceboParams())


def cache_key(data_hash: str, event: Event, params: AnalysisParams) -> str:
    """The case-file key of a result: same data, event, settings and software -> same key."""
    text = "|".join((data_hash, event.event_id, params.hash(), SOFTWARE_VERSION))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def checked_data_hash(store) -> str:
    """The data hash of the tables as stored now, once the whole case verifies (data, audit
    chain, the investigator's work); ``CaseFileError`` with the reason otherwise, so no analysis
    or packet is ever made from, or appended to, an altered case."""
    return store.check_intact().data_hash


def cached_result(store, event: Event, params: AnalysisParams,
                  data_hash: str | None = None) -> AnalysisResult | None:
    """The stored result for this event and settings (on data with ``data_hash``), or None;
    the placebo settings play no part (``plain_params``)."""
    from engine.results import AnalysisResult
    key_hash = data_hash if data_hash is not None else checked_data_hash(store)
    return load_cached(store, cache_key(key_hash, event, plain_params(params)), AnalysisResult)


def load_cached(store, key: str, cls: type[T]) -> T | None:
    """The cached entry ``key`` decoded as ``cls``, or None (absent or unreadable)."""
    payload = store.get_result(key)
    if payload is None:
        return None
    try:
        return serialize.loads(cls, payload)
    except Exception:  # an unreadable cache entry is recomputed, never trusted
        log.warning("ignoring an unreadable cached %s", cls.__name__, exc_info=True)
        return None


def run_stages(tables: CaseTables, event: Event, params: AnalysisParams, data_hash: str,
               reporter: Reporter | None = None, panel: TargetPanel | None = None,
               check: Callable[[], str] | None = None) -> AnalysisResult:
    """Run every stage in order (``panel``: the event stock's panel when the caller built it);
    raises ``Cancelled`` when the reporter is cancelled. ``check``, the case's integrity check
    returning the data hash that then replaces ``data_hash``, runs once the network stage has
    started beside the k-means, so that the two overlap; its exception stops the run."""
    rep = reporter or Reporter()
    rep.plan(STAGES)
    rep.stage(STAGES[0][0])
    target = panel if panel is not None else TargetPanel.build(tables, event.stock)
    rep.stage(STAGES[1][0])
    network: Forked[SvnResult] | None = None   # the network stage in a child beside the k-means
    if worth_forking(target.n_records):
        network = _fork_network(tables, event, params, target)
    try:
        if check is not None:
            data_hash = check()
        from engine.kmeans.stage import run_kmeans
        from engine.options.stage import alert_options, score_options
        from engine.triage.episodes import run_episodes
        kmeans = run_kmeans(tables, event, params.kmeans, rep, panel=target)
        # triage and the options' scores need neither result: done while the network child may still run
        rep.stage(STAGES[2][0])
        episodes = run_episodes(tables, event, params.episodes, rep, panel=target)
        rep.stage(STAGES[3][0])
        scored = score_options(tables, event, params.options, rep)
        rep.stage(STAGES[4][0])
        svn = network.result(rep) if network is not None else _network(tables, event, params, target, rep)
    finally:
        if network is not None:
            network.close()
    from engine.results import AnalysisResult
    rep.stage(STAGES[5][0])   # they flag the k-means suspects and ring members; drafts may take long
    options = alert_options(scored, event, params.options, rep,
                            suspects=frozenset(s.investor_id for s in kmeans.suspects),
                            ring_members=svn.suspicious_members())
    rep.advance(1.0)
    return AnalysisResult(event=event, params=params, data_hash=data_hash,
                          software_version=SOFTWARE_VERSION, kmeans=kmeans, svn=svn,
                          options=options, episodes=episodes)


def cache_result(store, result: AnalysisResult) -> None:
    """Store a fresh result; the case file logs it as "analysis" in the same transaction."""
    params, event = result.params, result.event
    summary = {"event_id": event.event_id, "parameters_hash": params.hash(),
               "parameters": params.to_dict(), "software_version": SOFTWARE_VERSION,
               "suspects": len(result.kmeans.suspects), "clusters": len(result.svn.rings)}
    store.put_result(cache_key(result.data_hash, event, params), serialize.dumps(result), summary)


def analyze(tables: CaseTables, event: Event, params: AnalysisParams,
            reporter: Reporter | None = None, store=None, use_cache: bool = True,
            panel: TargetPanel | None = None) -> AnalysisResult:
    """Analyse ``event``; with a case ``store``, reuse its cached result or cache the new one.

    The case is checked (``checked_data_hash``) before a cached entry is read, and during a
    fresh run beside its network stage (``run_stages``); either way before any result is
    returned or written. A cached entry is looked for under the data hash recorded at import,
    which the check proves to be the data's. A fresh result is written to the case file, which
    records the run in its audit log in the same transaction. The GUI worker passes a tables
    snapshot taken on the GUI thread; the store is only touched here for the cache, in this
    thread. The placebo settings play no part (``plain_params``).
    """
    params = plain_params(params)
    if store is None:
        return run_stages(tables, event, params, "", reporter, panel)
    if use_cache and store.has_result(cache_key(store.stored_data_hash(), event, params)):
        hit = cached_result(store, event, params)
        if hit is not None:
            return hit
    result = run_stages(tables, event, params, "", reporter, panel, check=lambda: checked_data_hash(store))
    if not store.read_only:  # a read-only case is analysed, not changed
        cache_result(store, result)
    return result


def revalidate_result(result: AnalysisResult, tables: CaseTables, correction: str,
                      threshold: float | None = None, reporter: Reporter | None = None,
                      store=None) -> AnalysisResult:
    """The same analysis under another correction or p-value threshold, without recomputing
    the tails or the k-means: the network is re-validated and re-clustered, and the options
    stage re-run because its alerts flag members of suspicious rings. Cached like any result."""
    from engine.options.stage import run_options
    from engine.svn.stage import revalidate
    rep = reporter or Reporter()
    rep.plan((("Validated network", 4.0), ("Options flow", 1.0)))
    rep.stage("Validated network")
    params = result.params.replace("svn", correction=correction,
                                   threshold=threshold if correction == "threshold" else None)
    svn = revalidate(result.svn, correction, threshold, rep)
    rep.stage("Options flow")
    suspects = frozenset(s.investor_id for s in result.kmeans.suspects)
    options = run_options(tables, result.event, params.options, rep, suspects=suspects,
                          ring_members=svn.suspicious_members())
    rep.advance(1.0)
    new = dataclasses.replace(result, params=params, svn=svn, options=options)
    if store is not None and not store.read_only:  # a read-only case is analysed, not changed
        cache_result(store, new)
    return new
