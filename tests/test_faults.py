"""Fault injection: a build that is killed, interrupted, runs out of room or permission, or races
another, leaves the year folder as the old build or the new one, whole.

Each run starts from an output folder that holds a good build of the shipped data
and builds a changed copy of the data into it with the real command line, in a
subprocess, then strikes at a random moment. Afterwards the year folder must be
byte for byte the old build or the new one (both made beforehand as references),
its manifest must match its files, no worker process may outlive the build, and
the next build must complete.

The fast variants run in CI; `pytest -m slow` runs the long ones (more random points).
Seeds are printed; ZI_FAULT_SEED=<n> repeats a run.
"""
from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import DATA, ROOT, TEMPLATES
from zi_docgen.publish.transaction import verify

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="kill -9 and process groups are POSIX")

YEAR = "2026"


def snapshot(year_dir: Path) -> dict[str, str]:
    out = {}
    for p in sorted(year_dir.rglob("*")):
        if p.is_file() or p.is_symlink():
            out[p.relative_to(year_dir).as_posix()] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@dataclass
class States:
    old_out: Path           # an output folder holding the old build
    new_data: Path
    old: dict[str, str]
    new: dict[str, str]
    seconds: float          # how long one build of the new data took here


@pytest.fixture(scope="module")
def states(tmp_path_factory) -> States:
    from zi_docgen.workflows.build import build

    base = tmp_path_factory.mktemp("faults")
    new_data = base / "data"
    shutil.copytree(DATA, new_data)
    # A change in both documents of every office, so that any mix of old and new shows.
    _edit(new_data / "common/keputusan.yaml", "acuan pelaksanaan tugas", "pedoman pelaksanaan tugas")
    _edit(new_data / "common/lampiran.yaml", "seluruh pegawai", "semua pegawai")
    # and in the JDIH record (jdihn.json) of every office
    with (new_data / "2026/decree.yaml").open("a", encoding="utf-8") as f:
        f.write("jdih:\n  abstrak: Rencana kerja pembangunan Zona Integritas.\n")
    old_out = base / "old"
    build(DATA, old_out, TEMPLATES, jobs=2)
    t = time.monotonic()
    proc = _run_build(new_data, base / "new")
    seconds = time.monotonic() - t
    assert proc.returncode == 0, proc.stderr
    old, new = snapshot(old_out / YEAR), snapshot(base / "new" / YEAR)
    assert old.keys() == new.keys()
    assert all(old[k] != new[k] for k in old), "every file must differ between the two builds"
    return States(old_out, new_data, old, new, seconds)


def _cmd(data: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "zi_docgen", "build", "--data", str(data), "--out", str(out),
            "--templates", str(TEMPLATES), "--jobs", "2", *extra]


def _run_build(data: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(_cmd(data, out, *extra), cwd=ROOT, capture_output=True, text=True, timeout=600,
                          env=_env())


def _env() -> dict[str, str]:
    # Workers even for the 15 offices, so that there are workers to outlive a killed build.
    return {**os.environ, "ZI_DOCGEN_LANG": "en", "ZI_DOCGEN_SPAWN_FROM": "3"}


def _start(data: Path, out: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(_cmd(data, out, *extra), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True, env=_env())


def _fresh_out(states: States, tmp_path: Path) -> Path:
    out = tmp_path / "out"
    shutil.copytree(states.old_out, out)
    return out


def _seeds(n: int) -> list[int]:
    fixed = os.environ.get("ZI_FAULT_SEED")
    if fixed:
        return [int(fixed)]
    return [random.randrange(1 << 30) for _ in range(n)]


def _descendants(pid: int) -> set[int]:
    """Every process below pid (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for c in children.get(todo.pop(), []):
            if c not in found:
                found.add(c)
                todo.append(c)
    return found


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _assert_all_gone(pids: set[int], what: str) -> None:
    # Not a timing assertion: a generous bound so that a leak fails instead of hanging the suite.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and any(_alive(p) for p in pids):
        time.sleep(0.1)
    left = [p for p in pids if _alive(p)]
    assert not left, f"{what}: processes still alive: {left}"


def _assert_old_or_new(out: Path, states: States) -> str:
    year_dir = out / YEAR
    snap = snapshot(year_dir)
    assert snap in (states.old, states.new), (
        f"the year folder is a mix: {sum(snap.get(k) == v for k, v in states.old.items())} old files, "
        f"{sum(snap.get(k) == v for k, v in states.new.items())} new files, "
        f"extra {sorted(set(snap) - set(states.old))[:5]}")
    assert verify(year_dir) == []
    return "old" if snap == states.old else "new"


def _assert_next_build_completes(out: Path, states: States) -> None:
    proc = _run_build(states.new_data, out)
    assert proc.returncode == 0, proc.stderr
    assert snapshot(out / YEAR) == states.new
    assert not [p.name for p in out.iterdir() if p.name.startswith(".zi-docgen-") and not p.name.endswith(".lock")]


def _strike(states: States, tmp_path: Path, seed: int, sig: int) -> tuple[Path, subprocess.Popen, str, str]:
    rng = random.Random(seed)
    out = _fresh_out(states, tmp_path / f"s{seed}")
    proc = _start(states.new_data, out)
    time.sleep(rng.uniform(0.05, states.seconds * 1.1))
    below = _descendants(proc.pid)
    if sig == signal.SIGKILL:
        os.kill(proc.pid, signal.SIGKILL)       # the build alone: its workers must notice by themselves
    else:
        try:
            os.killpg(proc.pid, sig)            # as Ctrl-C in a terminal: the whole foreground group
        except ProcessLookupError:
            pass
    stdout, stderr = proc.communicate(timeout=120)
    _assert_all_gone(below | _descendants(proc.pid), f"seed {seed}")
    return out, proc, stdout, stderr


def _kill9(states, tmp_path, seed):
    print(f"kill -9, seed {seed}")
    out, proc, _, _ = _strike(states, tmp_path, seed, signal.SIGKILL)
    _assert_old_or_new(out, states)
    _assert_next_build_completes(out, states)


def _sigint(states, tmp_path, seed):
    print(f"SIGINT, seed {seed}")
    out, proc, stdout, stderr = _strike(states, tmp_path, seed, signal.SIGINT)
    state = _assert_old_or_new(out, states)
    if proc.returncode == 0:
        assert state == "new"
    elif proc.returncode < 0 or (proc.returncode != 2 and "KeyboardInterrupt" in stderr):
        # Ctrl-C while Python itself was still starting, before zi-docgen ran at all.
        assert state == "old" and "zi_docgen/workflows" not in stderr, stderr
    else:
        assert "Traceback" not in stderr
        assert proc.returncode == 2 and "interrupted" in stderr, stderr
        # The message says what is true.
        if "nothing was changed" in stderr or "untouched" in stderr:  # the build's or the CLI's wording
            assert state == "old", stderr
        else:
            assert state == "new" and "after publishing" in stderr, stderr
    _assert_next_build_completes(out, states)


@pytest.mark.parametrize("seed", _seeds(3))
def test_kill_9_at_a_random_moment(states, tmp_path, seed):
    _kill9(states, tmp_path, seed)


@pytest.mark.parametrize("seed", _seeds(3))
def test_ctrl_c_at_a_random_moment(states, tmp_path, seed):
    _sigint(states, tmp_path, seed)


@pytest.mark.slow
@pytest.mark.parametrize("seed", _seeds(12))
def test_kill_9_many_moments(states, tmp_path, seed):
    _kill9(states, tmp_path, seed)


@pytest.mark.slow
@pytest.mark.parametrize("seed", _seeds(12))
def test_ctrl_c_many_moments(states, tmp_path, seed):
    _sigint(states, tmp_path, seed)


@pytest.mark.parametrize("kind", ["fork", "spawn"])
def test_workers_die_with_a_killed_build(states, tmp_path, kind, monkeypatch):
    """kill -9 while the workers are surely up: none of them outlives the build (forked on Linux by
    default, spawned elsewhere or with ZI_DOCGEN_WORKERS=spawn)."""
    monkeypatch.setenv("ZI_DOCGEN_WORKERS", kind)
    out = _fresh_out(states, tmp_path)
    proc = _start(states.new_data, out, "--jobs", "3")
    deadline = time.monotonic() + 120
    workers: set[int] = set()
    while time.monotonic() < deadline and proc.poll() is None and len(workers) < 2:
        # every process below the build is one of its workers (or multiprocessing's helper)
        workers = _descendants(proc.pid)
        time.sleep(0.02)
    if proc.poll() is not None:
        pytest.skip("the build finished before its workers were up (a very fast machine)")
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=60)
    _assert_all_gone(workers, "workers of a killed build")
    _assert_old_or_new(out, states)


# ---------------------------------------------------------------- no permission, mid-way

def _can_make_immutable(path: Path) -> bool:
    if shutil.which("chattr") is None:
        return False
    ok = subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode == 0
    if ok:
        subprocess.run(["chattr", "-i", str(path)], capture_output=True)
    return ok


def _lock_folder(path: Path) -> None:
    # root ignores permission bits, but not the immutable attribute.
    if os.geteuid() == 0:
        subprocess.run(["chattr", "+i", str(path)], check=True)
    else:
        path.chmod(0o555)


def _unlock_folder(path: Path) -> None:
    if os.geteuid() == 0:
        subprocess.run(["chattr", "-i", str(path)], check=True)
    else:
        path.chmod(0o755)


@pytest.mark.parametrize("when", [0.0, 0.35, 0.7, 0.95])
def test_output_folder_made_read_only_mid_way(states, tmp_path, when):
    probe = tmp_path / "probe"
    probe.mkdir()
    if os.geteuid() == 0 and not _can_make_immutable(probe):
        pytest.skip("running as root and this file system has no immutable attribute (chattr +i): "
                    "root would write into a read-only folder anyway")
    out = _fresh_out(states, tmp_path)
    proc = _start(states.new_data, out)
    time.sleep(when * states.seconds)
    _lock_folder(out)
    try:
        _, stderr = proc.communicate(timeout=600)
        state = _assert_old_or_new(out, states)
        assert "Traceback" not in stderr
        if proc.returncode != 0:
            assert proc.returncode == 2 and state == "old", stderr
            assert "permission" in stderr and "nothing was changed" in stderr, stderr
    finally:
        _unlock_folder(out)
    _assert_next_build_completes(out, states)


def test_a_file_where_the_year_folder_should_be(states, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / YEAR).write_text("not a folder")
    proc = _run_build(states.new_data, out)
    assert proc.returncode == 2 and "in the way" in proc.stderr and "Traceback" not in proc.stderr
    assert (out / YEAR).read_text() == "not a folder"


# ---------------------------------------------------------------- a tiny disk

@pytest.fixture
def tiny_disk(tmp_path):
    """A small tmpfs, where this machine lets us mount one (root in a VM or a privileged container)."""
    mnt = tmp_path / "disk"
    mnt.mkdir()

    def mount(size: str) -> Path:
        if sys.platform != "linux" or os.geteuid() != 0 or shutil.which("mount") is None:
            pytest.skip("a tiny disk needs 'mount -t tmpfs' as root on Linux; not available here")
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mnt)], capture_output=True)
        if r.returncode != 0:
            pytest.skip(f"mount is not allowed here ({r.stderr.decode(errors='replace').strip()})")
        return mnt

    yield mount
    subprocess.run(["umount", str(mnt)], capture_output=True)


def test_disk_full_keeps_the_old_build(states, tmp_path, tiny_disk):
    size = sum((states.old_out / YEAR / rel).stat().st_size for rel in states.old)
    disk = tiny_disk(f"{size + size // 2}")   # room for the old build and half a new one
    out = disk / "out"
    shutil.copytree(states.old_out, out)
    proc = _run_build(states.new_data, out)
    assert proc.returncode == 2, proc.stderr
    assert "disk is full" in proc.stderr and "nothing was changed" in proc.stderr and "Traceback" not in proc.stderr
    assert _assert_old_or_new(out, states) == "old"
    assert sorted(p.name for p in out.iterdir()) == [".zi-docgen-2026.lock", YEAR]  # staging cleared


def test_disk_full_into_an_empty_folder_writes_nothing(states, tmp_path, tiny_disk):
    size = sum((states.old_out / YEAR / rel).stat().st_size for rel in states.old)
    disk = tiny_disk(f"{size // 2}")
    out = disk / "out"
    proc = _run_build(states.new_data, out)
    assert proc.returncode == 2 and "disk is full" in proc.stderr, proc.stderr
    assert not (out / YEAR).exists()
    assert not [p for p in out.iterdir() if not p.name.endswith(".lock")]


# ---------------------------------------------------------------- builds at the same time

def test_concurrent_builds_never_interleave(states, tmp_path):
    out = _fresh_out(states, tmp_path)
    procs = [_start(states.new_data, out), _start(DATA, out), _start(states.new_data, out, "--satker", "kab-sambas"),
             _start(DATA, out, "--satker", "prov-kalbar")]
    results = [p.communicate(timeout=600) for p in procs]
    for p, (_, err) in zip(procs, results):
        assert p.returncode == 0, err
    year_dir = out / YEAR
    assert verify(year_dir) == []
    snap = snapshot(year_dir)
    assert snap.keys() == states.old.keys()
    # Each office's pair of documents comes from one build, never half from each.
    for office in {k.split("/")[0] for k in snap if "/" in k}:
        mine = {k: v for k, v in snap.items() if k.startswith(office + "/")}
        assert mine in ({k: states.old[k] for k in mine}, {k: states.new[k] for k in mine}), office


def test_a_worker_sends_back_a_file_name_that_a_pipe_takes_whole(tmp_path, monkeypatch):
    """A worker killed while writing a large result into the pool's pipe leaves half a message,
    and CPython's pool thread then waits for the rest forever: the build said "interrupted" and
    never exited (CI, Python 3.11). The message must be small enough for one atomic write."""
    import pickle
    import select

    from zi_docgen.load.dataset import load_dataset
    from zi_docgen.workflows import build as b

    monkeypatch.setattr(b, "_worker", b._Worker(DATA, TEMPLATES, load_dataset(DATA)))
    monkeypatch.setattr(b, "_results_dir", tmp_path)
    sent = b._run_in_worker((b._Job(int(YEAR), True, False, False), "prov-kalbar"))
    # What the pool pipes back: (work id, exception, result), pickled.
    assert len(pickle.dumps((10**6, None, sent))) < select.PIPE_BUF
    res = b._take_result(sent)
    assert res.office == "prov-kalbar" and res.docs and len(res.docs["keputusan"]) > select.PIPE_BUF
    assert list(tmp_path.iterdir()) == []  # taken means removed

    bad = b._run_in_worker((b._Job(int(YEAR), True, False, False), "no-such-office"))
    with pytest.raises(Exception) as info:
        b._take_result(bad)
    assert "no-such-office" in str(info.value)


# ---------------------------------------------------------------- LibreOffice of a stopped build

# A stand-in for LibreOffice that never finishes: a launcher with a child (as soffice starts
# soffice.bin), each noting its pid, both sleeping far longer than any bound below.
FAKE_SOFFICE = r'''#!{python}
import os, sys, time
from pathlib import Path
pids = Path(os.environ["FAKE_SOFFICE_PIDS"])
child = os.fork()
(pids / str(os.getpid())).write_text("child" if child == 0 else "launcher")
if child == 0:
    time.sleep(600)
    os._exit(0)
os.waitpid(child, 0)
'''


def _start_pdf_build(states: States, tmp_path: Path) -> tuple[Path, subprocess.Popen, Path]:
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "soffice").write_text(FAKE_SOFFICE.format(python=sys.executable))
    (fake / "soffice").chmod(0o755)
    pids = tmp_path / "pids"
    pids.mkdir()
    out = _fresh_out(states, tmp_path)
    env = {**_env(), "PATH": f"{fake}{os.pathsep}{os.environ.get('PATH', '')}", "FAKE_SOFFICE_PIDS": str(pids)}
    proc = subprocess.Popen(_cmd(states.new_data, out, "--pdf", "--satker", "prov-kalbar"), cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                            env=env)
    # Four documents, two batches: two launchers and their two children. A generous bound, so
    # that a build that never gets there fails instead of hanging the suite.
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and proc.poll() is None and len(list(pids.iterdir())) < 4:
        time.sleep(0.05)
    assert len(list(pids.iterdir())) == 4, proc.communicate(timeout=120)
    return out, proc, pids


def test_ctrl_c_during_the_pdfs_ends_libreoffice_and_the_build(states, tmp_path):
    out, proc, pids = _start_pdf_build(states, tmp_path)
    soffice = {int(p.name) for p in pids.iterdir()}
    os.killpg(proc.pid, signal.SIGINT)     # as Ctrl-C in a terminal; LibreOffice is in a session of its own
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 2 and "interrupted" in stderr and "Traceback" not in stderr, stderr
    _assert_all_gone(soffice, "LibreOffice of an interrupted build")
    assert _assert_old_or_new(out, states) == "old"


def test_kill_9_during_the_pdfs_ends_libreoffice_too(states, tmp_path):
    out, proc, pids = _start_pdf_build(states, tmp_path)
    soffice = {int(p.name) for p in pids.iterdir()}
    os.kill(proc.pid, signal.SIGKILL)      # the build alone: nothing can run in it any more
    proc.communicate(timeout=120)
    _assert_all_gone(soffice, "LibreOffice of a killed build")
    assert _assert_old_or_new(out, states) == "old"
    _assert_next_build_completes(out, states)
