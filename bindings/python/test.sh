#!/usr/bin/env bash
# Builds the `candidats` Python package into a virtualenv and runs its pytest
# suite. Needs only python3 (with venv and pip) and cargo; maturin, pytest and
# pandas come from PyPI into the virtualenv, which lives under the
# workspace's target folder and is reused by later runs.
#
#   bindings/python/test.sh [pytest arguments...]
#
# CANDIDATS_VENV picks another virtualenv folder; PYTHON another interpreter
# (3.9 or newer) to create it with; CANDIDATS_NO_PANDAS=1 leaves pandas out
# (the tests that need it then skip).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="${CANDIDATS_VENV:-${CARGO_TARGET_DIR:-$root/target}/python-venv}"

if [ ! -x "$venv/bin/python" ]; then
  "${PYTHON:-python3}" -m venv "$venv"
fi
packages=("maturin>=1.9.4,<2" "pytest>=7")
if [ "${CANDIDATS_NO_PANDAS:-}" != "1" ]; then
  packages+=("pandas>=1.5")
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${packages[@]}"

export VIRTUAL_ENV="$venv"
export PATH="$venv/bin:$PATH"
maturin develop --release --quiet --manifest-path "$here/Cargo.toml"

# The Rust library's `report` program: the tests compare the report
# computed from Python with the one it prints, on the same store.
cargo build --release --quiet --manifest-path "$root/Cargo.toml" -p candidats --features csv --example report
export CANDIDATS_REPORT_BIN="${CARGO_TARGET_DIR:-$root/target}/release/examples/report"

cd "$here"
python -m pytest -q "$@"
