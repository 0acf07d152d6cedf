"""The installed `zi-docgen` script as a user meets it: short messages, exit 2, never a traceback."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT_DIR = Path(__file__).resolve().parents[1]


def script() -> str:
    for folder in (Path(sys.executable).parent, Path(sysconfig.get_path("scripts"))):
        found = shutil.which("zi-docgen", path=str(folder))
        if found:
            return found
    pytest.fail("the zi-docgen console script is not installed in this environment (pip install -e .)")


def user_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG", "ZI_DOCGEN_LANG")}
    env.update({"LANG": "C.UTF-8", "COLUMNS": "100", "NO_COLOR": "1"}, **extra)
    return env


def run(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([script(), *args], cwd=cwd, env=user_env(**env), capture_output=True, text=True,
                          timeout=300)


USAGE_ERRORS = [
    (["biuld"], "Galat: Perintah 'biuld' tidak ada. Maksud Anda 'build'?"),
    (["build", "--yaer", "2027"], "Galat: Opsi --yaer tidak ada (opsi yang mungkin: --satker, --year)"),
    (["chek"], "Galat: Perintah 'chek' tidak ada. Maksud Anda 'check'?"),
    (["new-year", "2027"], "Galat: Argumen 'new' belum diberikan."),
    (["diff", "2026"], "Galat: Argumen 'new' belum diberikan."),
    (["preview"], "Galat: Argumen 'document' belum diberikan."),
    (["check", "--year", "dua"], "Galat: Nilai untuk '--year' tidak sah: 'dua' bukan tahun"),
    (["check", "--format", "xml"], "Galat: Nilai untuk '--format' tidak sah: 'xml' bukan salah satu dari"),
    (["build", "--out"], "Galat: Opsi '--out' memerlukan nilai."),
    (["satker", "lagi"], "Galat: Ada argumen berlebih (lagi)"),
    (["--lang", "en", "biuld"], "Error: No such command 'biuld'. Did you mean 'build'?"),
    (["--lang", "en", "build", "--yaer", "2027"], "Error: No such option: --yaer"),
    (["--lang", "en", "diff", "2026"], "Error: Missing argument 'new'."),
    (["--lang", "en", "check", "--year", "dua"], "Error: Invalid value for '--year'"),
]


@pytest.mark.parametrize("args,message", USAGE_ERRORS, ids=[" ".join(a) for a, _ in USAGE_ERRORS])
def test_usage_error_is_one_short_message_and_exit_2(tmp_path, args, message):
    r = run(args, tmp_path)
    assert r.returncode == 2, r
    assert "Traceback" not in r.stdout + r.stderr
    assert message in r.stderr
    assert len(r.stderr.splitlines()) <= 8
    if "en" not in args:  # Click's own English words are translated too
        assert "Usage:" not in r.stderr and "Try '" not in r.stderr and "Error:" not in r.stderr
        assert "Penggunaan: zi-docgen" in r.stderr or "--out" in args


@pytest.mark.parametrize("args", [["-h"], ["--help"], []], ids=["-h", "--help", "bare"])
def test_help_in_indonesian_by_default(tmp_path, args):
    r = run(args, tmp_path)
    assert r.returncode == 0, r
    assert "Traceback" not in r.stdout + r.stderr
    assert "Penggunaan: zi-docgen" in r.stdout and "Tampilkan pesan ini lalu keluar." in r.stdout
    assert "Periksa Keputusan sebelum ditandatangani" in r.stdout
    assert "Perintah" in r.stdout and "Opsi" in r.stdout


def test_help_in_english_on_request(tmp_path):
    for args, env in ((["--lang", "en", "-h"], {}), (["-h", "--lang=en"], {}), (["-h"], {"LANG": "en_US.UTF-8"}),
                      (["-h"], {"LC_MESSAGES": "en_GB.UTF-8"})):
        r = run(args, tmp_path, **env)
        assert r.returncode == 0, r
        assert "Check a decree before signing" in r.stdout, (args, env)
        assert "Usage: zi-docgen" in r.stdout and "Show this message and exit." in r.stdout
        assert "Periksa Keputusan" not in r.stdout


def test_subcommand_help_with_h(tmp_path):
    r = run(["build", "-h"], tmp_path)
    assert r.returncode == 0 and "--year" in r.stdout and "Folder hasil." in r.stdout


def test_version(tmp_path):
    from zi_docgen import __version__

    r = run(["--version"], tmp_path)
    assert r.returncode == 0, r
    assert r.stdout.strip() == f"zi-docgen {__version__}"


def test_unknown_language_is_said_and_the_run_goes_on(tmp_path):
    r = run(["--lang", "fr", "--version"], tmp_path)
    assert r.returncode == 0
    assert "bahasa 'fr' tidak dikenal" in r.stderr
