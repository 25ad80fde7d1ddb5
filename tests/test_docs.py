"""Documentation written once: the README's configuration table comes from the models' field descriptions."""

from __future__ import annotations

from krm_fn.config.docs import default_spec_model, markdown_table, rows

from conftest import REPO

START = "<!-- config table: generated from the models' field descriptions by `python -m krm_fn.config.docs`; a test keeps it current -->\n"
END = "<!-- end of config table -->\n"


def test_readme_config_table_is_the_models() -> None:
    readme = (REPO / "README.md").read_text()
    assert START in readme and END in readme, "the README lost the config table's markers"
    table = readme[readme.index(START) + len(START) : readme.index(END)]
    assert table == markdown_table(default_spec_model()), "stale: python -m krm_fn.config.docs prints the current table"


def test_every_field_is_described() -> None:
    undocumented = [row.path for row in rows(default_spec_model()) if not row.description]
    assert undocumented == []
