"""Long computations as jobs: ensembles, roadmap plans and the briefing, run in worker processes.

A job is submitted by a request (``POST /api/jobs``), gets a random, unguessable id and
runs in a :class:`concurrent.futures.ProcessPoolExecutor` (``settings.job_workers``
processes, started with ``spawn`` on the first submission), so a computation never holds
the server's GIL and pages and reads do not wait for it. Workers run at a lower
scheduling priority (``nice`` +10): on a busy machine the server's requests get the CPU first.

**The store stays in the server.** DuckDB lets one process open a file read-write, and
the server holds it; a worker never opens the server's store file. What a worker needs
is prepared in the server and sent to it:

* ensemble: the resolved :class:`~panmun.vectors.scenarios.Scenario` (built-in or stored,
  :func:`panmun.web.scenario_store.resolve`);
* roadmap: the step catalogue, the constraints and the arms-control base-rate draws
  (the calibration reads the store);
* briefing: a snapshot of the store, written by DuckDB itself (``COPY FROM DATABASE``,
  a consistent copy taking ~50 ms) into the job's own folder; the worker opens that private
  copy and builds the HTML and PDF there (about a minute of CPU kept off the server).

**Progress** travels through a small file per job (``progress.json`` in the job's folder
under a temporary directory) that the worker rewrites atomically (write, then rename);
the server reads it when the job is looked at. The file's first appearance marks the
job as running. The result comes back as the future's return value; an error as its
message (the library's, never a traceback).

**Parameters** are checked before anything is queued, as request bodies are: known names
only, text that is valid Unicode without control characters (:mod:`panmun.web.checks`),
numbers and dates in range (a briefing's date no later than today, a solver time limit of
0.1 to 60 s).

**Limits** (:class:`~panmun.web.settings.Settings`): ``max_jobs_per_user`` queued or running
jobs per owner, and ``max_anonymous_jobs`` for all anonymous owners together (429
``too_many_jobs``), ensemble runs 1..``max_runs``, horizons 1..360 months. Finished jobs are
kept for :data:`KEEP_SECONDS` (at most :data:`KEEP_FINISHED` of them); the temporary
directory with every job's files is removed at shutdown.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import multiprocessing
import os
import secrets
import shutil
import signal
import tempfile
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from panmun.errors import InputError, NotFoundError, PanmunError
from panmun.months import parse_month
from panmun.web.checks import text_problem
from panmun.web.errors import ApiError

log = logging.getLogger(__name__)

KINDS = ("ensemble", "roadmap", "briefing")
#: The only file names a job serves (``GET /api/jobs/{id}/files/{name}``).
FILES = {"briefing.html": "text/html; charset=utf-8", "briefing.pdf": "application/pdf"}
KEEP_SECONDS = 3600.0
KEEP_FINISHED = 200
MAX_HORIZON = 360
#: A roadmap job's solver time limit per stage, in seconds (as ``panmun roadmap plan --time-limit``).
MIN_TIME_LIMIT, MAX_TIME_LIMIT = 0.1, 60.0
#: The earliest date a briefing job may describe (the record starts with the 1953 Armistice).
FIRST_BRIEFING = dt.date(1950, 1, 1)
#: Owners of anonymous jobs are ``anonymous@<client address>``.
ANONYMOUS = "anonymous@"
PROGRESS_FILE = "progress.json"
SNAPSHOT_FILE = "snapshot.duckdb"


# -- worker side (module-level functions: ``spawn`` pickles them by name) ---------------------

def _lower_priority() -> None:
    """Worker initialiser: run below the server's priority (nice +10)."""
    try:
        os.nice(10)
    except (AttributeError, OSError):     # pragma: no cover - platforms without nice
        pass


def report_progress(folder: str, fraction: float) -> None:
    """Write the job's progress (0-1) and the time its work started, atomically."""
    path = Path(folder) / PROGRESS_FILE
    started = time.time()
    if path.exists():
        started = json.loads(path.read_text(encoding="utf-8")).get("started", started)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"progress": min(max(fraction, 0.0), 1.0), "started": started,
                               "pid": os.getpid()}), encoding="utf-8")
    os.replace(tmp, path)


def run_ensemble(scenario, runs: int, horizon: int, seed: int, source: str, history, folder: str) -> dict:
    """The scenario's stochastic ensemble: 5 %, 50 % and 95 % quantiles of every stock per month
    (:func:`panmun.vectors.model.quantiles`, resolution 1/BINS), months labelled YYYY-MM. Each
    run's parameters come from ``source`` (:func:`panmun.vectors.runs.parameter_draws`: the
    posterior on ``history``, or the judgement defaults), the scenario's overrides on top."""
    from panmun.vectors.model import ensemble, quantiles
    from panmun.vectors.parameters import STOCKS
    from panmun.vectors.runs import parameter_draws, with_scenario

    report_progress(folder, 0.0)
    draws, parameters = parameter_draws(history, source, runs, seed)
    done = 0

    def advance(n: int) -> None:
        nonlocal done
        done += n
        report_progress(folder, done / runs)

    counts = ensemble(scenario.setup(horizon), runs, seed=seed, params=with_scenario(scenario, draws),
                      progress=advance, threads=1)
    q = quantiles(counts, (0.05, 0.5, 0.95))
    stocks = {stock: {"q05": q[:, s, 0].tolist(), "q50": q[:, s, 1].tolist(), "q95": q[:, s, 2].tolist()}
              for s, stock in enumerate(STOCKS)}
    return {"scenario": scenario.name, "title": scenario.title, "start": scenario.start, "runs": runs,
            "seed": seed, "parameters": parameters,
            "months": [scenario.month_label(k) for k in range(horizon + 1)], "stocks": stocks}


def run_roadmap(steps, constraints, objective: str, alternatives: int, time_limit: float, base_rates,
                history, folder: str) -> dict:
    """Plans found, judged and ranked (:func:`panmun.roadmap.ranking.best_plans`): the same JSON as
    ``panmun roadmap plan --format json`` (1,000 model runs per plan, seed 0, parameters drawn
    from the posterior on ``history``)."""
    from panmun.jsonify import jsonable
    from panmun.roadmap.ranking import best_plans, plan_record
    from panmun.vectors.runs import parameter_draws

    report_progress(folder, 0.0)
    vector_params, parameters = parameter_draws(history, "posterior", 1000, 0)
    roadmap = best_plans(constraints, steps, objective=objective, alternatives=alternatives,
                         base_rates=base_rates, runs=1000, seed=0, time_limit=time_limit,
                         vector_params=vector_params)
    report_progress(folder, 1.0)
    if not roadmap.feasible:
        return jsonable({"objective": objective, "feasible": False,
                         "conflicts": [{"kind": x.kind, "constraint": x.label} for x in roadmap.conflicts]})
    c = roadmap.constraints
    return jsonable({"objective": objective, "horizon": c.horizon, "start": c.start, "feasible": True,
                     "solver_seconds": roadmap.seconds, "parameters": parameters,
                     "plans": [plan_record(roadmap, p) for p in roadmap.plans]})


def run_briefing(snapshot: str, at: str | None, lang: str, folder: str) -> dict:
    """Build the briefing from the store snapshot and write ``briefing.html`` and ``briefing.pdf``
    into ``folder`` (:mod:`panmun.report`), in ``lang`` (en or ko); the snapshot is deleted
    afterwards."""
    from panmun.report.briefing import build_briefing
    from panmun.report.render import write_html, write_pdf
    from panmun.store.opening import open_store

    report_progress(folder, 0.0)
    try:
        with open_store(snapshot) as store:
            briefing = build_briefing(store, at, lang=lang)
    finally:
        for leftover in Path(snapshot).parent.glob(Path(snapshot).name + "*"):
            leftover.unlink(missing_ok=True)
    report_progress(folder, 0.6)
    write_html(briefing, Path(folder) / "briefing.html")
    report_progress(folder, 0.7)
    write_pdf(briefing, Path(folder) / "briefing.pdf")
    report_progress(folder, 1.0)
    return {"at": briefing.at.isoformat(), "lang": briefing.lang}


# -- server side: checking parameters and preparing the workers' inputs ----------------------

def _bad(field_name: str, message: str) -> ApiError:
    return ApiError(422, message, "validation", field=f"body.params.{field_name}",
                    hint="See the jobs section of docs/web.md for each kind's parameters.")


def _allowed(params: dict, names: tuple[str, ...]) -> None:
    for key in params:
        if key not in names:
            raise _bad(key, f"unknown parameter {key!r}; expected {', '.join(names)}")


def _int(params: dict, name: str, low: int, high: int, default: int | None = None) -> int:
    """``params[name]`` as a whole number in low..high (``default`` when absent; required if None)."""
    value = params.get(name, default)
    if value is None:
        raise _bad(name, f"{name} is required")
    if isinstance(value, bool) or not isinstance(value, int):
        raise _bad(name, f"{name} must be a whole number, not {value!r}")
    if not low <= value <= high:
        raise _bad(name, f"{name} must be {low:,} to {high:,}, not {value:,}")
    return value


def _text(params: dict, name: str, default: str | None = None) -> str:
    value = params.get(name, default)
    if value is None:
        raise _bad(name, f"{name} is required")
    if not isinstance(value, str) or not value or len(value) > 200:
        raise _bad(name, f"{name} must be non-empty text (at most 200 characters)")
    problem = text_problem(value)
    if problem:
        raise _bad(name, f"{name}: {problem}")
    return value


def _time_limit(params: dict) -> float:
    value = params.get("time_limit", 10.0)
    if isinstance(value, bool) or not isinstance(value, int | float) or \
            not MIN_TIME_LIMIT <= value <= MAX_TIME_LIMIT:
        raise _bad("time_limit", f"time_limit must be a number of seconds from {MIN_TIME_LIMIT} "
                                 f"to {MAX_TIME_LIMIT:g}, not {value!r}")
    return float(value)


def check_params(kind: str, params: dict, max_runs: int) -> None:
    """Refuse bad parameters of a ``kind`` job (422 naming the parameter) before anything is
    queued or prepared; the ``*_inputs`` functions below rely on it."""
    if kind == "ensemble":
        from panmun.vectors.runs import SOURCES

        _allowed(params, ("scenario", "runs", "horizon", "seed", "parameters"))
        _text(params, "scenario")
        if _text(params, "parameters", "posterior") not in SOURCES:
            raise _bad("parameters", f"parameters must be one of {', '.join(SOURCES)}")
        _int(params, "runs", 1, max_runs)
        if params.get("horizon") is not None:
            _int(params, "horizon", 1, MAX_HORIZON)
        _int(params, "seed", 0, 2**32 - 1, 0)
    elif kind == "roadmap":
        from panmun.roadmap.planner import OBJECTIVES

        _allowed(params, ("objective", "horizon", "alternatives", "time_limit", "start"))
        objective = _text(params, "objective", "progress")
        if objective not in OBJECTIVES:
            raise _bad("objective", f"objective must be one of {', '.join(OBJECTIVES)}, not {objective!r}")
        if "start" in params:
            try:
                parse_month(_text(params, "start"), "start")
            except InputError:
                raise _bad("start", "start must be a month as YYYY-MM") from None
        if "horizon" in params:
            _int(params, "horizon", 1, MAX_HORIZON, 0)
        _int(params, "alternatives", 0, 10, 2)
        _time_limit(params)
    else:
        briefing_inputs(params)


def ensemble_inputs(store, params: dict, max_runs: int) -> tuple:
    """(scenario, runs, horizon, seed, parameters, history) for :func:`run_ensemble`; the scenario
    and the record resolved in the server (the worker samples or reads the cached posterior)."""
    from panmun.vectors.runs import SOURCES, record_history
    from panmun.web.scenario_store import resolve

    _allowed(params, ("scenario", "runs", "horizon", "seed", "parameters"))
    source = _text(params, "parameters", "posterior")
    if source not in SOURCES:
        raise _bad("parameters", f"parameters must be one of {', '.join(SOURCES)}, not {source!r}")
    name = _text(params, "scenario")
    runs = _int(params, "runs", 1, max_runs)
    horizon = params.get("horizon")
    seed = _int(params, "seed", 0, 2**32 - 1, 0)
    try:
        scenario = resolve(store, name)
    except NotFoundError as exc:
        raise ApiError(404, str(exc), "not_found", field="body.params.scenario",
                       hint="GET /api/scenarios lists the scenarios.") from exc
    horizon = _int(params, "horizon", 1, MAX_HORIZON, scenario.horizon) if horizon is not None \
        else scenario.horizon
    history = record_history(store) if source == "posterior" else None
    return scenario, runs, horizon, seed, source, history


def roadmap_inputs(store, params: dict) -> tuple:
    """(steps, constraints, objective, alternatives, time_limit, base_rates, history) for
    :func:`run_roadmap`.

    The catalogue and constraints are judged against the parties' positions on the plan's
    start (``start``, YYYY-MM; default: the month after the store's record ends), as
    ``panmun roadmap plan --start`` does. Base rates: 400 draws (seed 0) of the clash-risk
    posterior calibrated on the store, as the command does.
    """
    from panmun.armscontrol.calibrate import base_rate_draws
    from panmun.errors import PanmunError
    from panmun.roadmap.planner import OBJECTIVES
    from panmun.roadmap.ranking import dated_inputs
    from panmun.vectors.runs import record_history

    _allowed(params, ("objective", "horizon", "alternatives", "time_limit", "start"))
    objective = _text(params, "objective", "progress")
    if objective not in OBJECTIVES:
        raise _bad("objective", f"objective must be one of {', '.join(OBJECTIVES)}, not {objective!r}")
    horizon = _int(params, "horizon", 1, MAX_HORIZON, 0) if "horizon" in params else None
    alternatives = _int(params, "alternatives", 0, 10, 2)
    time_limit = _time_limit(params)
    start = _text(params, "start") if "start" in params else None
    try:
        dated = dated_inputs(None, horizon, start, store=store)
    except PanmunError as exc:
        raise _bad("start", str(exc)) from exc
    steps, constraints = dated.steps, dated.constraints
    base_rates = base_rate_draws(store, 400, 0)
    return steps, constraints, objective, alternatives, time_limit, base_rates, record_history(store)


def briefing_inputs(params: dict) -> tuple[str | None, str]:
    """The briefing's date (YYYY-MM-DD, from :data:`FIRST_BRIEFING` to today, or None for today)
    and its language (``lang``: en, the default, or ko)."""
    from panmun.dates import as_date
    from panmun.i18n.catalogue import LANGS

    _allowed(params, ("at", "lang"))
    lang = params.get("lang", "en")
    if lang not in LANGS:
        raise _bad("lang", f"lang must be one of {', '.join(LANGS)}, not {str(lang)[:20]!r}")
    at = params.get("at")
    if at is None:
        return None, lang
    if not isinstance(at, str) or text_problem(at):
        raise _bad("at", "at must be a date as YYYY-MM-DD")
    try:
        day = as_date(at)
    except (PanmunError, ValueError, TypeError) as exc:
        raise _bad("at", f"at must be a date as YYYY-MM-DD, not {at!r}") from exc
    if not FIRST_BRIEFING <= day <= dt.date.today():
        raise _bad("at", f"at must be from {FIRST_BRIEFING} to today ({dt.date.today()}), not {day}")
    return day.isoformat(), lang


def snapshot_store(store, path: Path) -> None:
    """A consistent copy of the store's database at ``path``, written by DuckDB (``COPY FROM DATABASE``)."""
    con = store.con.cursor()
    try:
        source = con.execute("SELECT current_database()").fetchone()[0]
        alias = f"snap_{secrets.token_hex(6)}"
        con.execute(f"ATTACH '{path}' AS {alias}")
        try:
            con.execute(f'COPY FROM DATABASE "{source}" TO {alias}')
        finally:
            con.execute(f"DETACH {alias}")
    finally:
        con.close()


# -- the manager ------------------------------------------------------------------------------

def _iso(t: float | None) -> str | None:
    return None if t is None else dt.datetime.fromtimestamp(t, dt.UTC).isoformat(timespec="seconds")


@dataclass
class Job:
    """One job and what is known of it (times: seconds since the epoch)."""

    id: str
    kind: str
    owner: str
    params: dict
    folder: Path
    state: str = "queued"
    progress: float = 0.0
    result: Any = None
    error: str | None = None
    created: float = field(default_factory=time.time)
    started: float | None = None
    finished: float | None = None
    future: Future | None = field(default=None, repr=False)

    @property
    def active(self) -> bool:
        return self.state in ("queued", "running")

    def record(self) -> dict:
        """The job as the API shows it."""
        out = {"id": self.id, "kind": self.kind, "state": self.state, "progress": round(self.progress, 4),
               "params": self.params, "created": _iso(self.created), "started": _iso(self.started),
               "finished": _iso(self.finished)}
        if self.state == "done":
            out["result"] = self.result
        if self.state == "failed":
            out["error"] = self.error
        return out


class JobManager:
    """Jobs of one server: submission with limits, state and progress, results and files."""

    def __init__(self, settings, db_path) -> None:
        self.settings, self.db_path = settings, db_path
        self._root: Path | None = None
        self._jobs: dict[str, Job] = {}
        self._lock = threading.RLock()
        self._pool: ProcessPoolExecutor | None = None

    @property
    def root(self) -> Path:
        """The temporary directory of the jobs' folders (created with the first job)."""
        if self._root is None:
            self._root = Path(tempfile.mkdtemp(prefix="panmun-jobs-"))
        return self._root

    # submission

    def submit(self, kind: str, owner: str, params: dict, store) -> Job:
        """Check the limits and parameters, prepare the inputs in this process and queue the job."""
        if kind not in KINDS:
            raise ApiError(422, f"unknown job kind {kind!r}; expected one of {', '.join(KINDS)}",
                           "validation", field="body.kind")
        check_params(kind, params, self.settings.max_runs)
        self._check_quota(owner)
        job_id = secrets.token_urlsafe(16)
        job = Job(job_id, kind, owner, dict(params), self.root / job_id)
        job.folder.mkdir()
        try:
            fn, args = self._inputs(job, store)
        except BaseException:
            shutil.rmtree(job.folder, ignore_errors=True)
            raise
        with self._lock:
            try:
                self._refuse_over_quota(owner)       # checked again: parallel submits
            except ApiError:
                shutil.rmtree(job.folder, ignore_errors=True)
                raise
            try:
                job.future = self._start(fn, *args, str(job.folder))
            except BaseException:
                shutil.rmtree(job.folder, ignore_errors=True)
                raise
            self._jobs[job.id] = job
        job.future.add_done_callback(lambda f: self._finished(job, f))
        return job

    def _inputs(self, job: Job, store) -> tuple:
        if job.kind == "ensemble":
            return run_ensemble, ensemble_inputs(store, job.params, self.settings.max_runs)
        if job.kind == "roadmap":
            return run_roadmap, roadmap_inputs(store, job.params)
        at, lang = briefing_inputs(job.params)
        snapshot = job.folder / SNAPSHOT_FILE
        snapshot_store(store, snapshot)
        return run_briefing, (str(snapshot), at, lang)

    def _refuse_over_quota(self, owner: str) -> None:
        """429 when ``owner`` has its maximum of jobs queued or running, or when ``owner`` is
        anonymous and the anonymous clients together have theirs (call with the lock held)."""
        n = self.settings.max_jobs_per_user
        if self._active(owner) >= n:
            raise ApiError(429, f"you already have {n} jobs queued or running (the limit)", "too_many_jobs",
                           hint="Wait for one to finish (GET /api/jobs), then submit again.")
        cap = self.settings.max_anonymous_jobs
        if owner.startswith(ANONYMOUS) and \
                sum(j.active for j in self._jobs.values() if j.owner.startswith(ANONYMOUS)) >= cap:
            raise ApiError(429, f"anonymous clients have {cap} jobs queued or running (the limit for all "
                           "of them together)", "too_many_jobs",
                           hint="Sign in to run jobs under your own quota, or wait and submit again.")

    def _check_quota(self, owner: str) -> None:
        self._prune()
        with self._lock:
            self._refuse_over_quota(owner)

    def _active(self, owner: str) -> int:
        """Queued and running jobs of ``owner`` (call with the lock held)."""
        return sum(j.active for j in self._jobs.values() if j.owner == owner)

    def _start(self, fn, *args) -> Future:
        """Submit to the pool (created on first use; a broken pool is replaced once)."""
        for attempt in (1, 2):
            if self._pool is None:
                self._pool = ProcessPoolExecutor(max_workers=self.settings.job_workers,
                                                 mp_context=multiprocessing.get_context("spawn"),
                                                 initializer=_lower_priority)
            try:
                return self._pool.submit(fn, *args)
            except BrokenProcessPool:
                self._pool.shutdown(wait=False, cancel_futures=True)
                self._pool = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _finished(self, job: Job, future: Future) -> None:
        """Done callback (runs in the pool's management thread)."""
        with self._lock:
            job.finished = time.time()
            exc = None if future.cancelled() else future.exception()
            if future.cancelled():
                job.state, job.error = "failed", "cancelled: the server shut down"
            elif isinstance(exc, BrokenProcessPool):
                job.state, job.error = "failed", "stopped: the worker process ended (server shutdown?)"
            elif exc is None:
                job.state, job.progress, job.result = "done", 1.0, future.result()
            elif isinstance(exc, PanmunError):
                job.state, job.error = "failed", str(exc)
            else:
                log.error("job %s (%s) failed", job.id, job.kind, exc_info=exc)
                job.state = "failed"
                job.error = (f"internal error in the job ({type(exc).__name__}); "
                             "the server log has the details")
            job.started = job.started or self._read_progress(job)[1]

    # lookup

    def _progress_data(self, job: Job) -> dict:
        try:
            return json.loads((job.folder / PROGRESS_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def _read_progress(self, job: Job) -> tuple[float | None, float | None]:
        data = self._progress_data(job)
        if not data:
            return None, None
        return float(data["progress"]), float(data["started"])

    def _refresh(self, job: Job) -> None:
        if not job.active:
            return
        progress, started = self._read_progress(job)
        with self._lock:
            if progress is not None and job.active:
                job.state, job.progress, job.started = "running", progress, started

    def get(self, job_id: str, owner: str) -> Job:
        """The owner's job ``job_id``; 404 for an unknown id and for another owner's job alike."""
        job = self._jobs.get(job_id)
        if job is None or job.owner != owner:
            raise ApiError(404, "no such job", "not_found", hint="GET /api/jobs lists your jobs.")
        self._refresh(job)
        return job

    def owned(self, owner: str) -> list[Job]:
        """The owner's jobs, newest first."""
        self._prune()
        with self._lock:
            mine = [j for j in self._jobs.values() if j.owner == owner]
        for job in mine:
            self._refresh(job)
        return sorted(mine, key=lambda j: j.created, reverse=True)

    def file(self, job_id: str, owner: str, name: str) -> tuple[Path, str]:
        """(path, media type) of a finished briefing's file; only the names in :data:`FILES`."""
        if name not in FILES:
            raise ApiError(404, "no such file", "not_found", hint=f"Files: {', '.join(FILES)}.")
        job = self.get(job_id, owner)
        path = job.folder / name
        if job.kind != "briefing" or job.state != "done" or not path.is_file():
            raise ApiError(404, "no such file (yet)", "not_found",
                           hint="A briefing job's files exist once its state is done.")
        return path, FILES[name]

    # housekeeping

    def _prune(self) -> None:
        """Forget finished jobs older than KEEP_SECONDS, and beyond the newest KEEP_FINISHED."""
        now = time.time()
        with self._lock:
            finished = sorted((j for j in self._jobs.values() if not j.active),
                              key=lambda j: j.finished or 0.0, reverse=True)
            old = [j for k, j in enumerate(finished)
                   if k >= KEEP_FINISHED or now - (j.finished or now) > KEEP_SECONDS]
            for job in old:
                del self._jobs[job.id]
        for job in old:
            shutil.rmtree(job.folder, ignore_errors=True)

    def shutdown(self) -> None:
        """Stop running jobs (SIGTERM to the worker that reported running each; the pool then
        fails every job it still holds), cancel queued ones, wait for the pool to close and
        remove every job's files."""
        if self._pool is not None:
            with self._lock:
                running = [j for j in self._jobs.values() if j.active]
            for job in running:
                pid = self._progress_data(job).get("pid")
                if isinstance(pid, int) and pid != os.getpid():
                    try:
                        os.kill(pid, signal.SIGTERM)
                    except ProcessLookupError:
                        pass
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        if self._root is not None:
            shutil.rmtree(self._root, ignore_errors=True)
