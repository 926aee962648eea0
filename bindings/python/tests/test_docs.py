"""The examples in the documentation run as written."""

from __future__ import annotations

import pathlib
import re

import candidats

ROOT = pathlib.Path(__file__).resolve().parents[1]


def python_blocks(text: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


def test_the_crate_docs_example_runs():
    lines = [
        line.removeprefix("//!").removeprefix(" ")
        for line in (ROOT / "src" / "lib.rs").read_text(encoding="utf-8").splitlines()
        if line.startswith("//!")
    ]
    [example] = python_blocks("\n".join(lines) + "\n")

    exec(compile(example, "src/lib.rs", "exec"), {})


def test_the_package_docstring_names_what_exists():
    doc = candidats.__doc__ or ""

    for name in re.findall(r"``(\w+)\(", doc):
        assert any(hasattr(cls, name) for cls in (candidats, candidats.Campaign, candidats.Records)), name
