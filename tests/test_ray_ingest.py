"""Distributed ingest on a local Ray (2 CPUs): the same store as a local ingest (documents, passages,
vectors, version groups, task and indicator rows), and an embedder worker killed mid-run loses nothing.

Skips where Ray is not installed (the optional extra ``notice-qa[ray]``).
"""
from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest
from conftest import make_container
from reliability_support import write_notices
from store_compare import assert_same_store, mixed_folder

pytest.importorskip("ray")


def _ray_ingest(data_dir: Path, folder: Path, on_file=None):
    from qa_service.ray_engine import RayIngestEngine

    container = make_container(data_dir)
    engine = RayIngestEngine(container.parser, container.settings, num_cpus=2)
    try:
        return container.ingest_runner.ingest_paths([folder], on_file=on_file, engine=engine)
    finally:
        engine.close()


def test_a_distributed_ingest_gives_the_store_a_local_one_gives(tmp_path):
    folder = mixed_folder(tmp_path)
    local = make_container(tmp_path / "local").ingest_runner.ingest_paths([folder])
    distributed = _ray_ingest(tmp_path / "ray", folder)
    assert [(f.source, f.status, f.chunks, f.doc_id, f.version_of) for f in distributed.files] == \
        [(f.source, f.status, f.chunks, f.doc_id, f.version_of) for f in local.files]
    assert {f.status for f in local.files} >= {"added", "duplicate", "error"}
    assert_same_store(tmp_path / "local", tmp_path / "ray")
    again = _ray_ingest(tmp_path / "ray", folder)  # a rerun skips every stored file by its hash
    assert {f.status for f in again.files} == {"unchanged", "error"}


def _embedder_pids() -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and b"ray::_Embedder" in (entry / "cmdline").read_bytes():
                pids.append(int(entry.name))
        except OSError:
            continue
    return pids


def test_an_embedder_killed_mid_run_loses_nothing(tmp_path):
    folder = tmp_path / "notices"
    write_notices(folder, 10)
    make_container(tmp_path / "local").ingest_runner.ingest_paths([folder])
    killed: list[int] = []

    def kill_once(outcome) -> None:
        if not killed:
            killed.extend(_embedder_pids())
            for pid in killed:
                os.kill(pid, signal.SIGKILL)

    report = _ray_ingest(tmp_path / "ray", folder, on_file=kill_once)
    assert killed, "no embedder process was found to kill"
    assert [f.status for f in report.files] == ["added"] * 10
    assert_same_store(tmp_path / "local", tmp_path / "ray")


def test_an_ingest_on_a_two_node_cluster_gives_the_same_store(tmp_path):
    """The --address path: a driver joining a running cluster of two nodes (two raylets on this machine, as
    Ray's own multi-node tests run them) ships files as bytes and gets the store a local ingest gives."""
    from ray.cluster_utils import Cluster

    from qa_service.ray_engine import RayIngestEngine

    folder = mixed_folder(tmp_path)
    make_container(tmp_path / "local").ingest_runner.ingest_paths([folder])
    cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 2})
    try:
        cluster.add_node(num_cpus=2)
        cluster.wait_for_nodes()
        container = make_container(tmp_path / "cluster")
        engine = RayIngestEngine(container.parser, container.settings, address=cluster.address, embedders=2)
        try:
            import ray

            assert len([n for n in ray.nodes() if n["Alive"]]) == 2
            report = container.ingest_runner.ingest_paths([folder], engine=engine)
        finally:
            engine.close()
    finally:
        import ray

        ray.shutdown()
        cluster.shutdown()
    assert {f.status for f in report.files} >= {"added", "duplicate", "error"}
    assert_same_store(tmp_path / "local", tmp_path / "cluster")
