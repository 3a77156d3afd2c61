"""Materialisation: read the store once per (generation, stream) into compact numpy arrays.

This module and its helpers (:mod:`.materialise_sql`, :mod:`.materialise_delivery`,
:mod:`.materialise_ci`) are the parts of ``data/metrics`` that touch the store. They read with SQL
(status codes computed by the database, instants as integers, rows fetched in chunks into numpy)
and produce a :class:`StreamArrays` bundle: everything a report needs for *any* window and *any*
``as_of``. :mod:`data.materialise.cache` keeps bundles in memory and in the ``metrics_cache`` table,
and :mod:`data.materialise.refresh` brings an older bundle up to date from the rows written since.

What is kept, and why (the as_of trade-off): every coded status transition (item, instant, code:
14 bytes each) so that a report as of a past instant can recompute exactly what was known then,
plus the per-item figures as of the data's horizon (the latest instant in the data). A report
whose ``as_of`` is at or after the horizon — every live view — reads the per-item figures
directly; an older ``as_of`` recomputes them from the transitions with numpy (about a second for
a million transitions instead of tens of milliseconds).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection

from data.config.model import Stream
from data.materialise.ci import job_stage_arrays
from data.materialise.delivery import DeliveryPart, link_items, read_delivery
from data.materialise.queries import exclusion_keys, exclusions_digest, read_items, read_transitions, strs
from data.metrics.cistages import PipelineStageArrays
from data.metrics.clock import CALENDAR, Clock
from data.metrics.dora import DeploymentArrays, IncidentArrays
from data.metrics.flow import flow_from_final, item_flow
from data.metrics.flow_data import FlowData, ItemFlow, build_flow_data
from data.metrics.stagemap import StageMap

__all__ = ["StreamArrays", "materialise"]

I64 = npt.NDArray[np.int64]


@dataclass
class StreamArrays:
    """Everything a report needs about one stream, as arrays (epoch ms; -1 = none)."""

    n_stages: int
    generation: int
    horizon_ms: int
    #: What a refresh needs besides the arrays: a hash of the exclusions (changed: full rebuild)
    #: and the row ids of the excluded items that match the stream's filters (they are counted).
    exclusions_digest: str
    excluded_item_ids: I64
    # work items
    item_id: I64
    item_source: npt.NDArray[np.str_]
    item_key: npt.NDArray[np.str_]
    item_is_requirement: npt.NDArray[np.bool_]
    item_deployed: I64  # first successful production deployment carrying a linked change
    flow_data: FlowData
    final: ItemFlow  # per-item figures as of the horizon
    # changes (merged, of the stream's repositories)
    change_row_id: I64
    change_start: I64
    change_created: I64
    change_first_commit: I64
    change_first_review: I64
    change_merged: I64
    change_deployed: I64
    link_change: npt.NDArray[np.int32]  # (change index, ticket key) pairs; see materialise_delivery
    link_key: npt.NDArray[np.str_]
    # production deployments and incidents
    deployments: DeploymentArrays
    incidents: IncidentArrays
    # pipeline stages, by stage index in the stream
    pipeline_stages: dict[int, PipelineStageArrays]
    pipeline_labels: dict[int, list[tuple[str, str, str | None]]]
    excluded: dict[str, int]

    # -- (de)serialisation: plain arrays only, never pickle (the cache may be shared) --

    def to_arrays(self) -> dict[str, npt.NDArray[Any]]:
        """Flat named arrays for ``np.savez``."""
        f = self.final
        out: dict[str, npt.NDArray[Any]] = {
            "meta": np.array(
                [
                    json.dumps(
                        {
                            "n_stages": self.n_stages,
                            "generation": self.generation,
                            "horizon_ms": self.horizon_ms,
                            "exclusions_digest": self.exclusions_digest,
                            "final_as_of": f.as_of_ms,
                            "excluded": self.excluded,
                            "pipeline_labels": {str(k): v for k, v in self.pipeline_labels.items()},
                            "pipeline_stages": sorted(self.pipeline_stages),
                        }
                    )
                ]
            ),
            "item_id": self.item_id,
            "item_source": self.item_source,
            "item_key": self.item_key,
            "item_is_requirement": self.item_is_requirement,
            "item_deployed": self.item_deployed,
            "created_ms": self.flow_data.created_ms,
            "t_item": self.flow_data.t_item,
            "t_at": self.flow_data.t_at,
            "t_code": self.flow_data.t_code,
        }
        for name in ItemFlow.__dataclass_fields__:
            if name != "as_of_ms":
                out["f_" + name] = getattr(f, name)
        for name in ("row_id", "start", "created", "first_commit", "first_review", "merged", "deployed"):
            out["c_" + name] = getattr(self, "change_" + name)
        out["x_item_ids"] = self.excluded_item_ids
        out["l_change"] = self.link_change
        out["l_key"] = self.link_key
        for name in DeploymentArrays.__dataclass_fields__:
            out["d_" + name] = getattr(self.deployments, name)
        for name in IncidentArrays.__dataclass_fields__:
            out["n_" + name] = getattr(self.incidents, name)
        for k, p in self.pipeline_stages.items():
            for name in PipelineStageArrays.__dataclass_fields__:
                out[f"p{k}_{name}"] = getattr(p, name)
        return out

    @classmethod
    def from_arrays(cls, a: dict[str, npt.NDArray[Any]]) -> StreamArrays:
        """Inverse of :meth:`to_arrays`."""
        meta = json.loads(str(a["meta"][0]))
        fd = FlowData(meta["n_stages"], a["created_ms"], a["t_item"], a["t_at"], a["t_code"])
        fields = {n: a["f_" + n] for n in ItemFlow.__dataclass_fields__ if n != "as_of_ms"}
        final = ItemFlow(as_of_ms=meta["final_as_of"], **fields)
        stages = {
            int(k): PipelineStageArrays(**{n: a[f"p{k}_{n}"] for n in PipelineStageArrays.__dataclass_fields__})
            for k in meta["pipeline_stages"]
        }
        return cls(
            n_stages=meta["n_stages"],
            generation=meta["generation"],
            horizon_ms=meta["horizon_ms"],
            excluded_item_ids=a["x_item_ids"],
            exclusions_digest=meta["exclusions_digest"],
            item_id=a["item_id"],
            item_source=a["item_source"],
            item_key=a["item_key"],
            item_is_requirement=a["item_is_requirement"],
            item_deployed=a["item_deployed"],
            flow_data=fd,
            final=final,
            change_row_id=a["c_row_id"],
            change_start=a["c_start"],
            change_created=a["c_created"],
            change_first_commit=a["c_first_commit"],
            change_first_review=a["c_first_review"],
            change_merged=a["c_merged"],
            change_deployed=a["c_deployed"],
            link_change=a["l_change"],
            link_key=a["l_key"],
            deployments=DeploymentArrays(**{n: a["d_" + n] for n in DeploymentArrays.__dataclass_fields__}),
            incidents=IncidentArrays(**{n: a["n_" + n] for n in IncidentArrays.__dataclass_fields__}),
            pipeline_stages=stages,
            pipeline_labels={int(k): [tuple(x) for x in v] for k, v in meta["pipeline_labels"].items()},
            excluded=meta["excluded"],
        )

    def flow_as_of(self, as_of_ms: int, clock: Clock = CALENDAR) -> ItemFlow:
        """Per-item figures as of ``as_of_ms`` (see :func:`data.metrics.flow.flow_from_final`);
        ``clock`` must be the one the bundle was built with."""
        return flow_from_final(self.flow_data, self.final, as_of_ms, clock)


def materialise(conn: Connection, stream: Stream, generation: int, clock: Clock = CALENDAR) -> StreamArrays:
    """Read everything about ``stream`` from the store into a :class:`StreamArrays`.

    Durations in the bundle (per-item stage times, pipeline-stage times) are measured with ``clock``.
    ``generation`` must have been read before this call (data/materialise/cache.py says why).
    """
    sm = StageMap(stream)
    digest = exclusions_digest(conn)
    excl = exclusion_keys(conn)
    items = read_items(conn, stream, excl)
    item_id = items.item_id
    tr = read_transitions(conn, sm, item_id)
    fd = build_flow_data(sm.n_stages, items.created, tr.item, tr.at, tr.to, tr.frm)
    del tr
    horizon = fd.horizon_ms
    final = item_flow(fd, horizon, clock)  # now, before the other records fill memory
    delivery = read_delivery(conn, stream, excl, clock)
    jstages, jlabels = job_stage_arrays(conn, stream, clock)
    keys = strs(items.key)
    return assemble(
        stream=stream,
        generation=generation,
        horizon_ms=horizon,
        exclusions_digest=digest,
        item_id=item_id,
        item_source=strs(items.source),
        item_key=keys,
        item_is_requirement=items.is_requirement,
        flow_data=fd,
        final=final,
        delivery=delivery,
        job_stages=(jstages, jlabels),
        excluded_item_ids=items.excluded_ids,
    )


def assemble(
    *,
    stream: Stream,
    generation: int,
    horizon_ms: int,
    exclusions_digest: str,
    item_id: I64,
    item_source: npt.NDArray[np.str_],
    item_key: npt.NDArray[np.str_],
    item_is_requirement: npt.NDArray[np.bool_],
    flow_data: FlowData,
    final: ItemFlow,
    delivery: DeliveryPart,
    job_stages: tuple[dict[int, PipelineStageArrays], dict[int, list[Any]]],
    excluded_item_ids: I64,
    item_deployed: I64 | None = None,
) -> StreamArrays:
    """A bundle from its parts (the full build and the refresh both end here).

    ``item_deployed`` may be passed when neither the items nor the delivery part changed;
    otherwise tickets are linked to deployments again (:func:`link_items`).
    """
    stages = {**job_stages[0], **delivery.deploy_stages}
    labels = {**job_stages[1], **delivery.deploy_labels}
    return StreamArrays(
        n_stages=flow_data.n_stages,
        generation=generation,
        horizon_ms=horizon_ms,
        excluded_item_ids=excluded_item_ids,
        exclusions_digest=exclusions_digest,
        item_id=item_id,
        item_source=item_source,
        item_key=item_key,
        item_is_requirement=item_is_requirement,
        item_deployed=item_deployed
        if item_deployed is not None
        else link_items(
            item_key, flow_data.created_ms, delivery.link_change, delivery.link_key, delivery.change_deployed
        ),
        flow_data=flow_data,
        final=final,
        change_row_id=delivery.change_row_id,
        change_start=delivery.change_start,
        change_created=delivery.change_created,
        change_first_commit=delivery.change_first_commit,
        change_first_review=delivery.change_first_review,
        change_merged=delivery.change_merged,
        change_deployed=delivery.change_deployed,
        link_change=delivery.link_change,
        link_key=delivery.link_key,
        deployments=delivery.deployments,
        incidents=delivery.incidents,
        pipeline_stages={i: stages[i] for i in sorted(stages)},
        pipeline_labels={i: labels[i] for i in sorted(labels)},
        excluded={
            "work_item": int(excluded_item_ids.size),
            "change": delivery.excluded_changes,
            "deployment": delivery.excluded_deployments,
        },
    )


def delivery_of(arrays: StreamArrays, stream: Stream) -> DeliveryPart:
    """The delivery part of a bundle (to reuse it unchanged in a refresh)."""
    deploy = [i for i, st in enumerate(stream.stages) if st.deployments is not None]
    return DeliveryPart(
        change_row_id=arrays.change_row_id,
        change_start=arrays.change_start,
        change_created=arrays.change_created,
        change_first_commit=arrays.change_first_commit,
        change_first_review=arrays.change_first_review,
        change_merged=arrays.change_merged,
        change_deployed=arrays.change_deployed,
        link_change=arrays.link_change,
        link_key=arrays.link_key,
        deployments=arrays.deployments,
        incidents=arrays.incidents,
        deploy_stages={i: arrays.pipeline_stages[i] for i in deploy},
        deploy_labels={i: arrays.pipeline_labels[i] for i in deploy},
        excluded_changes=arrays.excluded["change"],
        excluded_deployments=arrays.excluded["deployment"],
    )


def jobs_of(arrays: StreamArrays, stream: Stream) -> tuple[dict[int, PipelineStageArrays], dict[int, list[Any]]]:
    """The job stages of a bundle (to reuse them unchanged in a refresh)."""
    jobs = [i for i, st in enumerate(stream.stages) if st.jobs is not None]
    return {i: arrays.pipeline_stages[i] for i in jobs}, {i: arrays.pipeline_labels[i] for i in jobs}
