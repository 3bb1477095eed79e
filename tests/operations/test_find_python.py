"""`make` builds .venv with a suitable Python, or says exactly what to install.

Each test runs scripts/find_python.sh (and once `make install`) with a PATH holding
only fake interpreters: small shell scripts that print a version, as
``python -c 'import sys; ...'`` would.
"""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "find_python.sh"
NEEDED = (
    "Python 3.11 is needed: apt-get install python3.11 python3.11-venv, "
    "or set PYTHON=/path/to/python3.11"
)
SH = shutil.which("sh") or "/bin/sh"


def fake_python(directory: Path, name: str, version: str) -> Path:
    path = directory / name
    path.write_text(f"#!{SH}\necho {version}\n")
    path.chmod(0o755)
    return path


def find(bin_dir: Path, **env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [SH, str(SCRIPT)],
        env={"PATH": str(bin_dir), **env},
        capture_output=True,
        text=True,
        timeout=10,
    )


def copy_makefile(directory: Path) -> None:
    """The Makefile with what its install step reads, in a directory with no .venv."""
    for name in ("Makefile", "requirements.txt", "requirements-dev.txt"):
        shutil.copy(ROOT / name, directory / name)
    (directory / "scripts").mkdir()
    shutil.copy(SCRIPT, directory / "scripts" / SCRIPT.name)


def make_install(directory: Path, bin_dir: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [shutil.which("make"), "install"],
        cwd=directory,
        env={"PATH": str(bin_dir)},
        capture_output=True,
        text=True,
        timeout=30,
    )


@pytest.fixture
def bin_dir(tmp_path):
    directory = tmp_path / "bin"
    directory.mkdir()
    return directory


def test_python311_comes_first(bin_dir):
    fake_python(bin_dir, "python3", "3.12")
    wanted = fake_python(bin_dir, "python3.11", "3.11")
    found = find(bin_dir)
    assert found.returncode == 0 and found.stdout.strip() == str(wanted)


@pytest.mark.parametrize("version", ["3.11", "3.12", "3.13"])
def test_without_python311_a_recent_enough_python3_is_used(bin_dir, version):
    wanted = fake_python(bin_dir, "python3", version)
    found = find(bin_dir)
    assert found.returncode == 0 and found.stdout.strip() == str(wanted)


@pytest.mark.parametrize("version", ["3.10", "3.9", "2.7", "3.14", "4.0", "garbage"])
def test_otherwise_it_stops_saying_what_to_install(bin_dir, version):
    fake_python(bin_dir, "python3", version)
    found = find(bin_dir)
    assert found.returncode == 1
    assert found.stdout == "" and found.stderr.strip() == NEEDED


def test_no_python_at_all(bin_dir):
    found = find(bin_dir)
    assert found.returncode == 1 and found.stderr.strip() == NEEDED


def test_an_explicit_python_is_used_when_new_enough(bin_dir, tmp_path):
    fake_python(bin_dir, "python3.11", "3.11")
    mine = fake_python(tmp_path, "mypython", "3.14")
    assert find(bin_dir, PYTHON=str(mine)).stdout.strip() == str(mine)
    old = fake_python(tmp_path, "oldpython", "3.10")
    refused = find(bin_dir, PYTHON=str(old))
    assert refused.returncode == 1
    assert refused.stderr.strip() == f"PYTHON={old} is not Python 3.11 or newer (3.10). {NEEDED}"


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_stops_with_the_message_before_building_anything(tmp_path, bin_dir):
    copy_makefile(tmp_path)
    fake_python(bin_dir, "python3", "3.10")
    result = make_install(tmp_path, bin_dir)
    assert result.returncode != 0
    assert NEEDED in result.stderr
    assert not (tmp_path / ".venv").exists()


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_builds_the_venv_with_the_python_found(tmp_path, bin_dir):
    copy_makefile(tmp_path)
    python3 = fake_python(bin_dir, "python3", "3.12")  # the fake makes no venv: pip then fails
    result = make_install(tmp_path, bin_dir)
    assert f"{python3} -m venv .venv" in result.stdout
    assert NEEDED not in result.stderr
