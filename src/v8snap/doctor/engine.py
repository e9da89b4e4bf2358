"""The snapshot doctor: classify every module as healthy / deferred / norewrite.

What makes a module healthy, and the assumptions rule: docs/architecture.md, "Invariants".

Scheduling is by import-cycle component (SCC): a component is ready when every module it imports from
outside the component has a verdict; its members are then verified (all members presumed healthy), and
re-verified while a member's deferral changes the others' outcome. No stage barrier: a component starts
as soon as its last dependency is classified and a worker is free. Verdicts come from the cache when the
module's key (content, deps' verdicts and keys, fingerprint, profile) is known. After convergence one
verify-all run initializes every healthy module in the builder's order; anything it finds is deferred and
the healthy dependents of that module are re-classified (a module can go from healthy back to deferred).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from v8snap.blueprint import Blueprint
from v8snap.blueprint.assemble import SNAPSHOT_KINDS
from v8snap.doctor.bundle import write_bundle
from v8snap.doctor.cache import CacheEntry, VerdictCache, code_identity, combine
from v8snap.doctor.heal import HealState
from v8snap.doctor.pool import VerifierPool, VerifyResult
from v8snap.doctor.violations import Consequence, Violation, consequence_of
from v8snap.graph.model import ModuleGraph
from v8snap.graph.order import components
from v8snap.kinds import BuiltinVerdict, Code, Profile, Verdict

#: The verdicts of modules that run at run time.
NOT_HEALTHY = (Verdict.DEFERRED, Verdict.NOREWRITE)


@dataclass(frozen=True)
class DoctorProgress:
    """A progress snapshot for live displays.

    Attributes:
        stage: depth of the component being verified (leaves = 1).
        verified: modules with a verdict.
        total: modules to classify.
        busy: workers verifying right now.
        jobs: number of workers.
        message: what happens now.
    """

    stage: int
    verified: int
    total: int
    busy: int
    jobs: int
    message: str


@dataclass(frozen=True)
class DoctorOptions:
    """How to run the doctor.

    Attributes:
        node: node binary of the workers.
        workdir: where the verifier bundle goes.
        builtin_verdicts: built-in name -> ok | warns | crashes (``probe_builtins``).
        profile: ``node`` or ``electron``.
        jobs: worker processes (None: CPU count).
        timeout: seconds per verification (``TIMEOUT``).
        allow: hazards accepted knowingly (``ENV_READ:NODE_ENV``).
        assume: env/argv/cwd reads at load become startup-checked assumptions (not violations).
        salt: fingerprint identity that joins every cache key.
        cache_path: the verdict cache file (None: no persistent cache).
        from_scratch: ignore the cache (``V8_SNAPSHOT_FROM_SCRATCH=1``).
        previous_healthy: keys accepted as healthy without verification (checked by verify-all).
        previous_deferred: keys deferred explicitly (implied ones dropped by the optimizer).
        previous_reasons: recorded reasons of those keys (for the optimizer).
        transform_of: source transform for a set of non-healthy keys (the snapshot printer), or None.
        builder_globals: what node's builder lacks or cannot survive (``probe_builder_globals``); None:
            probed (cached per node) for the ``node`` profile.
    """

    node: Path
    workdir: Path
    builtin_verdicts: dict[str, str]
    profile: Profile = Profile.NODE
    jobs: int | None = None
    timeout: float = 20.0
    allow: tuple[str, ...] = ()
    assume: bool = True
    salt: str = ""
    cache_path: Path | None = None
    from_scratch: bool = False
    previous_healthy: frozenset[str] = frozenset()
    previous_deferred: frozenset[str] = frozenset()
    previous_reasons: dict[str, Violation] = field(default_factory=dict)
    transform_of: Callable[[frozenset[str], bool], Callable[[str, str], str]] | None = None
    builder_globals: dict[str, Any] | None = None


@dataclass
class DoctorStats:
    """Figures of one doctor run.

    Attributes:
        total: modules classified.
        verified: verifications run (module runs in a worker, verify-all runs included).
        cached: modules whose verdict came from the cache.
        reverified: modules verified in this run (their key was new).
        restarts: workers restarted (exit, crash, hang).
        seconds: wall time.
    """

    total: int = 0
    verified: int = 0
    cached: int = 0
    reverified: set[str] = field(default_factory=set)
    restarts: int = 0
    seconds: float = 0.0


@dataclass
class DoctorResult:
    """Verdicts and figures.

    Attributes:
        state: the heal state (healthy / deferred / norewrite, reasons, files read at load).
        cache_keys: module key -> its cache key.
        stats: :class:`DoctorStats`.
        load_deps: module key -> modules it required while loading (as verified).
    """

    state: HealState
    cache_keys: dict[str, str]
    stats: DoctorStats
    load_deps: dict[str, list[str]] = field(default_factory=dict)


class Doctor:
    """One app's doctor: owns the pool, the verdicts and the cache across heal rounds.

    Args:
        graph: the module graph (only ``cjs``/``json`` modules are classified).
        hashes: module key -> sha256 of its file.
        options: :class:`DoctorOptions`.
        progress: called with :class:`DoctorProgress` updates.
    """

    def __init__(
        self,
        graph: ModuleGraph,
        hashes: dict[str, str],
        options: DoctorOptions,
        progress: Callable[[DoctorProgress], None] | None = None,
    ) -> None:
        self.graph = graph
        self.hashes = hashes
        self.opt = options
        self.progress = progress
        self.keys = [k for k, m in graph.modules.items() if m.kind in SNAPSHOT_KINDS]
        keyset = set(self.keys)
        self.deps = {k: [d for d in graph.deps_of(k) if d in keyset] for k in self.keys}
        self.rdeps: dict[str, set[str]] = {k: set() for k in self.keys}
        for k, ds in self.deps.items():
            for d in ds:
                self.rdeps[d].add(k)
        self.comps = components(self.keys, self.deps)
        self.comp_of = {k: i for i, c in enumerate(self.comps) for k in c}
        self.depth: list[int] = []
        for i, comp in enumerate(self.comps):
            ext = [self.comp_of[d] for k in comp for d in self.deps[k] if self.comp_of[d] != i]
            self.depth.append(1 + max((self.depth[j] for j in ext), default=0))
        self.verdict: dict[str, Verdict | None] = dict.fromkeys(self.keys)
        self.fixed: set[str] = set()  # keys whose verdict is not the doctor's to change
        self.state = HealState()
        self.cache = VerdictCache.open(options.cache_path, ignore=options.from_scratch)
        self.cache_keys: dict[str, str] = {}
        self.load_deps: dict[str, list[str]] = {}
        self.stats = DoctorStats(total=len(self.keys))
        self.builder_globals = options.builder_globals
        if self.builder_globals is None and options.profile == Profile.NODE:
            from v8snap.doctor.globals import probe_builder_globals

            self.builder_globals = probe_builder_globals(options.node)
        self.salt = combine(
            options.salt,
            code_identity(),
            options.profile,
            ",".join(sorted(options.allow)),
            "assume" if options.assume else "strict",
            combine(*sorted(f"{k}={v}" for k, v in options.builtin_verdicts.items())),
            "rewrite" if options.transform_of else "plain",
            json.dumps(self.builder_globals, sort_keys=True),
        )
        self.pool = VerifierPool(options.node, graph.root, jobs=options.jobs, timeout=options.timeout)
        self.transform_key: frozenset[str] | None = None
        self.unverified_seeds: set[str] = set()
        self.observed: dict[str, Violation] = {}  # root-cause violations seen per key in this run

    # ---- verdict bookkeeping ---------------------------------------------------------------------------
    def _set(self, key: str, verdict: Verdict, reason: Violation | None = None) -> None:
        old = self.verdict[key]
        self.verdict[key] = verdict
        s = self.state
        s.healthy.discard(key)
        s.deferred.discard(key)
        s.norewrite.discard(key)
        {"healthy": s.healthy, "deferred": s.deferred, "norewrite": s.norewrite}[verdict].add(key)
        if verdict == Verdict.HEALTHY:
            s.reasons.pop(key, None)
        elif reason is not None:
            s.reasons[key] = reason
        was_deferred = old in NOT_HEALTHY
        if (verdict != Verdict.HEALTHY) != was_deferred or old is None:
            self.pool.set_verdict(key, verdict != Verdict.HEALTHY)

    def _unset(self, key: str) -> None:
        """Back to unclassified (presumed healthy by the workers)."""
        if self.verdict[key] in NOT_HEALTHY:
            self.pool.set_verdict(key, False)
        self.verdict[key] = None
        for s in (self.state.healthy, self.state.deferred, self.state.norewrite):
            s.discard(key)
        self.state.reasons.pop(key, None)

    def _seed(self) -> None:
        o = self.opt
        for k in self.keys:
            if k == self.graph.entry:
                main = Violation(k, Code.MAIN_MODULE, "the entry point runs the program")
                self._set(k, Verdict.DEFERRED, main)
                self.fixed.add(k)
            elif self.graph.modules[k].kind == "json":
                self._set(k, Verdict.HEALTHY)  # a JSON literal: nothing to verify
                self.fixed.add(k)
        from v8snap.doctor.optimizer import minimal_explicit_defers

        explicit = minimal_explicit_defers(o.previous_deferred & set(self.keys), o.previous_reasons)
        for k in sorted(explicit - self.fixed):
            r = o.previous_reasons.get(k) or Violation(k, Code.EXPLICIT_DEFER, "deferred by the user")
            self._set(k, Verdict.DEFERRED, r)
            self.fixed.add(k)
        for k in sorted((o.previous_healthy & set(self.keys)) - self.fixed):
            self._set(k, Verdict.HEALTHY)
            self.unverified_seeds.add(k)

    # ---- cache keys ------------------------------------------------------------------------------------
    def _comp_key(self, ci: int) -> str:
        comp = sorted(self.comps[ci])
        parts = [self.salt]
        for k in comp:
            parts.append(f"{k}={self.hashes.get(k, '')}")
            for d in sorted(self.deps[k]):
                if self.comp_of[d] != ci:
                    parts.append(f"{d}:{self.verdict[d]}:{self.cache_keys.get(d, '')}")
        return combine(*parts)

    def _ready(self, ci: int) -> bool:
        return all(
            self.verdict[d] is not None for k in self.comps[ci] for d in self.deps[k] if self.comp_of[d] != ci
        )

    # ---- the loop --------------------------------------------------------------------------------------
    def _bundle(self, *, final: bool = False) -> None:
        # With rewriting, classification runs with *every* require lazy: a module's verdict then depends
        # only on what it uses while loading, not on the order in which its deps were classified (a getter
        # for a module that is healthy after all is harmless). The final bundle is the build's: requires
        # lazy for exactly the non-healthy modules; one verify-all run checks it.
        if final:
            non_healthy = frozenset(k for k, v in self.verdict.items() if v in NOT_HEALTHY)
        else:
            non_healthy = frozenset(self.keys)
        transform = None
        if self.opt.transform_of is not None:
            if self.transform_key == non_healthy and self.pool.bundle is not None:
                return
            transform = self.opt.transform_of(non_healthy, final)
            self.transform_key = non_healthy
        elif self.pool.bundle is not None:
            return
        verdicts = self.opt.builtin_verdicts
        if self.opt.profile == Profile.ELECTRON:
            verdicts = dict.fromkeys(verdicts, BuiltinVerdict.ELECTRON)
        bp = Blueprint(
            graph=self.graph,
            healthy=frozenset(),
            builtin_verdicts=verdicts,
            allow=self.opt.allow,
            assume=self.opt.assume,
            transform=transform,
        )
        bundle = write_bundle(
            bp, self.opt.workdir, profile=self.opt.profile, builder_globals=self.builder_globals
        )
        for k, why in bundle.norewrite.items():
            # A fixed verdict (the main module, an explicit defer) is the user's or the graph's: the
            # printer's refusal must not relabel it, or a cached build (no bundle made) would differ.
            if self.verdict.get(k) != Verdict.NOREWRITE and k not in self.fixed:
                self._set(k, Verdict.NOREWRITE, Violation(k, Code.REWRITE_INVALID, why))
                self.fixed.add(k)
        self.pool.load(bundle, {k: v in NOT_HEALTHY for k, v in self.verdict.items() if v})

    def _say(self, stage: int, msg: str) -> None:
        if self.progress:
            done = sum(1 for v in self.verdict.values() if v is not None)
            self.progress(DoctorProgress(stage, done, len(self.keys), self.pool.busy(), self.pool.jobs, msg))

    def _apply(self, res: VerifyResult, key: str) -> Verdict:
        self.stats.reverified.add(key)
        if key in self.fixed:
            # Its verdict was fixed while it waited in the queue (the bundle made after queueing refused
            # its rewrite: REWRITE_INVALID); the worker, told it is not healthy, can only report it as
            # depending on itself, which must not replace the root cause.
            return self.verdict[key] or Verdict.HEALTHY
        for v in res.violations:
            if v.code != Code.DEPENDS_ON_DEFERRED and v.key in self.verdict:
                self.observed.setdefault(v.key, v)
        own = [v for v in res.violations if v.key == key]
        # A cycle member verified after its partner was deferred fails on the partner first; its own
        # root cause (seen while the partner was verified) is the better reason.
        seen = self.observed.get(key)
        if seen is not None and own and all(v.code == Code.DEPENDS_ON_DEFERRED for v in own):
            own = [seen, *own]
        # Otherwise the first violation (in the order they were met) is the cause: every violation throws,
        # so a later one only happens after the module caught that throw and took a path a plain run never
        # takes (`try { require('addon') } catch { require('./fallback') }`: not NOT_IN_SNAPSHOT ./fallback).
        if res.fs_reads.get(key):
            self.state.fs_reads[key] = sorted(set(res.fs_reads[key]))
        if key in res.load_deps:
            self.load_deps[key] = res.load_deps[key]
        cons = [consequence_of(v.code) for v in own]
        if Consequence.NOREWRITE in cons:
            v = own[cons.index(Consequence.NOREWRITE)]
            self._set(key, Verdict.NOREWRITE, v)
        elif Consequence.DEFER in cons:
            v = own[cons.index(Consequence.DEFER)]
            self._set(key, Verdict.DEFERRED, v)
        else:
            self._set(key, Verdict.HEALTHY)
        return self.verdict[key] or Verdict.HEALTHY

    def _store(self, ci: int, *, final: bool = False) -> None:
        """Record the component's cache keys and (when made with a stable transform) its verdicts."""
        ck = self._comp_key(ci)
        current = self.transform_key is None or self.transform_key == frozenset(self.keys) or final
        for k in self.comps[ci]:
            key = combine(ck, k)
            self.cache_keys[k] = key
            if not current:
                continue
            reads = {}
            for rel in self.state.fs_reads.get(k, []):
                p = self.graph.root / rel[2:]
                if p.is_file():
                    from v8snap.util import sha256_file

                    reads[rel] = sha256_file(p)
            verdict = self.verdict[k]
            if verdict is None:  # not classified: nothing to remember
                continue
            entry = CacheEntry(
                verdict=verdict,
                reason=self.state.reasons.get(k),
                reads=reads,
                load_deps=list(self.load_deps.get(k, [])),
            )
            self.cache.put(key, entry)

    def _try_cache(self, ci: int) -> bool:
        ck = self._comp_key(ci)
        todo = [k for k in self.comps[ci] if k not in self.fixed]
        hits = {}
        for k in todo:
            e = self.cache.get(combine(ck, k), self.graph.root)
            if e is None:
                return False
            hits[k] = e
        for k, e in hits.items():
            self._set(k, e.verdict, e.reason)
            if e.reads:
                self.state.fs_reads[k] = sorted(e.reads)
            if e.load_deps:
                self.load_deps[k] = list(e.load_deps)
            self.stats.cached += 1
        for k in self.comps[ci]:
            self.cache_keys[k] = combine(ck, k)
        return True

    def _classify(self, *, rebundle: bool = True) -> None:
        """Give every unclassified module a verdict (``rebundle``: first re-make a stale bundle)."""
        bundled = False  # made on first use: a run served by the cache never rewrites or loads anything
        pending = {i for i, c in enumerate(self.comps) if any(self.verdict[k] is None for k in c)}
        # component -> keys still to (re)verify in its current round; keys in flight
        rounds: dict[int, set[str]] = {}
        inflight: dict[str, int] = {}
        changed_in_round: dict[int, bool] = {}
        queue: list[str] = []
        while pending or inflight:
            for ci in sorted(pending, key=lambda i: self.depth[i]):
                if ci in rounds or not self._ready(ci):
                    continue
                if self._try_cache(ci):
                    pending.discard(ci)
                    continue
                todo = {k for k in self.comps[ci] if k not in self.fixed and k not in self.unverified_seeds}
                if not todo:
                    self._store(ci)
                    pending.discard(ci)
                    continue
                rounds[ci] = set(todo)
                changed_in_round[ci] = False
                queue.extend(sorted(todo))
            if queue and not bundled:
                if rebundle or self.pool.bundle is None:
                    self._bundle()
                bundled = True
            while queue and self.pool.idle():
                k = queue.pop(0)
                inflight[k] = self.comp_of[k]
                self.pool.submit(k)
            if not inflight:
                if pending and not any(self._ready(ci) for ci in pending if ci not in rounds):
                    raise RuntimeError("doctor: no component is ready (inconsistent graph)")
                continue
            for res in self.pool.collect(wait=0.5):
                k = res.key
                ci = inflight.pop(k)
                before = self.verdict[k]
                after = self._apply(res, k)
                self.stats.verified += 1
                if after != Verdict.HEALTHY and before != after:
                    changed_in_round[ci] = True
                rounds[ci].discard(k)
                if not rounds[ci]:
                    comp = self.comps[ci]
                    again = [m for m in comp if self.verdict[m] == Verdict.HEALTHY and m not in self.fixed]
                    if changed_in_round[ci] and len(comp) > 1 and again:
                        rounds[ci] = set(again)
                        changed_in_round[ci] = False
                        queue.extend(sorted(again))
                    else:
                        del rounds[ci]
                        self._store(ci)
                        pending.discard(ci)
                self._say(self.depth[ci], f"verified {k}")
            self.stats.restarts = self.pool.restarts

    def _invalidate(self, key: str) -> None:
        """Re-classify the healthy modules that (transitively) import ``key``."""
        seen = {key}
        todo = list(self.rdeps[key])
        while todo:
            k = todo.pop()
            if k in seen:
                continue
            seen.add(k)
            if k in self.fixed:
                continue
            self.unverified_seeds.discard(k)
            if self.verdict[k] == Verdict.HEALTHY or (
                k in self.state.reasons and self.state.reasons[k].code == Code.DEPENDS_ON_DEFERRED
            ):
                self._unset(k)
                todo.extend(self.rdeps[k])

    def force(self, v: Violation) -> None:
        """Defer ``v.key`` for a reason found outside the verifiers (builder crash, output mismatch)."""
        self._set(v.key, Verdict.DEFERRED, v)
        self.fixed.add(v.key)
        self._invalidate(v.key)

    def accept_culprits(self, culprits: list[Violation]) -> list[Violation]:
        """Defer the healthy modules that acceptance found guilty (node's builder rejected them, or the
        app's output from the blob differed), then settle the verdicts again (what needed them at load
        time is deferred too). Acceptance reports; only the doctor decides verdicts.

        Args:
            culprits: one violation per guilty module (``BUILDER_ERROR``, ``BUILTIN_CRASHES``,
                ``OUTPUT_MISMATCH``, ...).

        Returns:
            The culprits that changed a verdict (those of modules that were healthy), in order.
        """
        changed: list[Violation] = []
        for v in culprits:
            if self.verdict.get(v.key) == Verdict.HEALTHY and all(c.key != v.key for c in changed):
                self.force(v)
                changed.append(v)
        if changed:
            self.heal()
        return changed

    def _verify_all(self) -> list[Violation]:
        order = [k for k in self.graph.modules if self.verdict.get(k) == Verdict.HEALTHY]
        if not order:
            return []
        if self.pool.bundle is None:
            self._bundle()
        self.pool.submit("", order=order)
        while True:
            for res in self.pool.collect(wait=1.0):
                self.stats.verified += 1
                return [v for v in res.violations if v.key in self.verdict]

    def heal(self) -> DoctorResult:
        """Classify, check with one verify-all run, repeat until stable; returns the result."""
        t0 = time.perf_counter()
        if not self.state.healthy and not self.state.deferred:
            self._seed()
        for _ in range(10):
            self._classify()
            if not self.stats.reverified and not self.unverified_seeds:
                break  # every verdict came from the cache: verify-all ran when they were made
            self._say(0, "verify-all: initializing every healthy module in build order")
            found = [v for v in self._verify_all() if self.verdict.get(v.key) == Verdict.HEALTHY]
            self.unverified_seeds.clear()
            if not found:
                break
            for v in found:
                if consequence_of(v.code) is not Consequence.NONE and self.verdict[v.key] == Verdict.HEALTHY:
                    self.stats.reverified.add(v.key)
                    self.force(v)
        if self.opt.transform_of is not None and self.stats.reverified:
            self._push_down()
        self.cache.save()
        self.stats.seconds += time.perf_counter() - t0
        self.stats.restarts = self.pool.restarts
        return DoctorResult(self.state, dict(self.cache_keys), self.stats, dict(self.load_deps))

    def _push_down(self, max_rounds: int = 5) -> None:
        """With the snapshot printer: check the build's bundle (requires lazy for exactly the non-healthy
        modules) with a verify-all run; defer what it finds and re-classify, until clean."""
        for _ in range(max_rounds):
            self._bundle(final=True)
            found = [v for v in self._verify_all() if self.verdict.get(v.key) == Verdict.HEALTHY]
            found = [v for v in found if consequence_of(v.code) is not Consequence.NONE]
            if not found:
                return
            for v in found:
                if self.verdict[v.key] == Verdict.HEALTHY:
                    self.force(v)
            self._classify()

    def close(self) -> None:
        """Stop the workers."""
        self.pool.close()

    def __enter__(self) -> Doctor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def run_doctor(
    graph: ModuleGraph,
    hashes: dict[str, str],
    options: DoctorOptions,
    progress: Callable[[DoctorProgress], None] | None = None,
) -> DoctorResult:
    """Classify the modules of ``graph`` (see :class:`Doctor`); workers are stopped on return.

    Args:
        graph: the module graph.
        hashes: module key -> sha256 of its file (the content part of cache keys).
        options: :class:`DoctorOptions`.
        progress: live progress callback.

    Returns:
        A :class:`DoctorResult`.

    Raises:
        NodeProcessError: a worker cannot start or load the bundle (broken node binary).
    """
    with Doctor(graph, hashes, options, progress) as doc:
        return doc.heal()
