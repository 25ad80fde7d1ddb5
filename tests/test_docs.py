"""Documentation written once: the configuration table comes from the models' field descriptions."""

from __future__ import annotations

import os

from krm_fn.cli import default_spec_model
from krm_fn.config.docs import markdown_table, rows

from conftest import REPO

PAGE = REPO / "README.md"
START = "<!-- config table: generated from the models' field descriptions; a test keeps it current (UPDATE_GOLDEN=1 rewrites it) -->\n"
END = "<!-- end of config table -->\n"


def test_config_table_is_the_models() -> None:
    page = PAGE.read_text()
    assert START in page and END in page, f"{PAGE.name} lost the config table's markers"
    before, rest = page.split(START)
    table, after = rest.split(END)
    current = markdown_table(default_spec_model())
    if os.environ.get("UPDATE_GOLDEN") == "1":
        PAGE.write_text(before + START + current + END + after)
        table = current
    assert table == current, "stale: UPDATE_GOLDEN=1 scripts/test.sh tests/test_docs.py rewrites it"


def test_every_field_is_described() -> None:
    undocumented = [row.path for row in rows(default_spec_model()) if not row.description]
    assert undocumented == []
