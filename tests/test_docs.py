"""Documentation written once and run: the configuration table comes from the models' field descriptions,
and the README's example is what the function does."""

from __future__ import annotations

import os
import re

from krm_fn.cli import default_spec_model
from krm_fn.config.docs import markdown_table, rows

from conftest import REPO, run_fn

PAGE = REPO / "docs" / "configuration.md"
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


def _example(label: str) -> str:
    readme = (REPO / "README.md").read_text()
    block = readme.split(f"<!-- example: {label} -->\n```yaml\n", 1)[1]
    return block.split("```\n", 1)[0]


def test_the_readme_example_is_what_the_function_does() -> None:
    run = run_fn(_example("input"))
    assert run.exit_code == 0, run.stderr
    assert run.stdout == _example("output")


def test_every_link_in_the_docs_resolves() -> None:
    """Every relative link in the README and docs/ names a file that exists (and a heading there, for an anchor)."""
    broken = []
    for page in [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]:
        for target in re.findall(r"\]\(([^)]+)\)", page.read_text()):
            if target.startswith(("http://", "https://")):
                continue
            path, _, anchor = target.partition("#")
            linked = (page.parent / path).resolve() if path else page
            headings = re.findall(r"^#+ (.*)$", linked.read_text(), re.M) if linked.suffix == ".md" and linked.exists() else []
            slugs = {re.sub(r"[^a-z0-9 -]", "", heading.lower()).replace(" ", "-") for heading in headings}
            if not linked.exists() or (anchor and anchor not in slugs):
                broken.append(f"{page.relative_to(REPO)}: {target}")
    assert not broken, "\n".join(broken)
