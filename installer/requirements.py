"""Print the requirement lines of pyproject.toml (dependencies + the named extras), one a line.

Shared by build_bundle.sh and collect_wheels.sh, so both install exactly what pyproject asks.
Usage: python installer/requirements.py [EXTRA ...]
"""
from __future__ import annotations

import sys
import tomllib
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def requirements(extras: list[str]) -> list[str]:
    """The project's dependencies followed by those of each extra (an unknown extra is an error)."""
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    optional = project.get("optional-dependencies", {})
    unknown = [e for e in extras if e not in optional]
    if unknown:
        raise SystemExit(f"unknown extra(s) {unknown}; pyproject.toml defines {sorted(optional)}")
    return list(project["dependencies"]) + [req for e in extras for req in optional[e]]


if __name__ == "__main__":
    print("\n".join(requirements(sys.argv[1:])))
