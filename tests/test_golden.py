"""Golden cases in the kpt function catalog's form: tests/golden/<case>/ holds `input.yaml`
(a ResourceList, its first comment saying what the case shows) and `.expected/`:

  config.yaml   exitCode, and stdErr when the run writes to stderr
  diff.patch    the change to the list, as a unified diff of the input against the output
                (both written by the function's own YAML writer, results left out); absent
                when nothing changes
  results.yaml  the results, absent when there are none

Each case runs twice: the second run, over the first one's output, must change nothing.
Every Rollout produced is checked against the upstream CRD schema (the fast check), and every
Rollout and Service by the judge: Argo Rollouts' and Kubernetes' own validation (validator.py).
`UPDATE_GOLDEN=1 scripts/test.sh tests/test_golden.py` rewrites `.expected/` (review the diff).
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path
from typing import Any

import pytest

from krm_fn import yamlio

from conftest import GOLDEN, GOLDEN_CASES, Run, run_fn
from rollout_schema import RolloutSchema, as_kubectl_reads
from validator import assert_accepted

UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


def normalized(doc: dict[str, Any]) -> str:
    """The list as the function writes it, without results: what the diff compares."""
    return yamlio.dump({k: v for k, v in doc.items() if k != "results"})


def change(before: dict[str, Any], after: dict[str, Any]) -> str:
    a, b = normalized(before).splitlines(True), normalized(after).splitlines(True)
    return "".join(difflib.unified_diff(a, b, "input.yaml", "output.yaml"))


def _expect(path: Path, actual: str) -> None:
    """`actual` must be the file's content; an empty `actual` means the file must not exist."""
    if UPDATE:
        if actual:
            path.parent.mkdir(exist_ok=True)
            path.write_text(actual)
        else:
            path.unlink(missing_ok=True)
    if not actual:
        assert not path.exists(), f"{path} exists, but the run gives nothing for it"
        return
    assert path.exists(), f"{path} is missing (UPDATE_GOLDEN=1 writes it)"
    assert actual == path.read_text(), f"{path.parent.parent.name}: {path.name} differs"


def run_case(case: str) -> tuple[dict[str, Any], Run]:
    """Run a case, compare with `.expected/`; the input and the run."""
    folder = GOLDEN / case
    source = (folder / "input.yaml").read_bytes()
    before = yamlio.load(source)
    run = run_fn(source)
    assert run.stdout, f"{case}: no output ({run.stderr})"
    after = run.doc
    results = after.get("results") or []
    config: dict[str, Any] = {"exitCode": run.exit_code}
    if run.stderr:
        config["stdErr"] = run.stderr
    _expect(folder / ".expected" / "config.yaml", yamlio.dump(config))
    _expect(folder / ".expected" / "diff.patch", change(before, after))
    _expect(folder / ".expected" / "results.yaml", yamlio.dump(results) if results else "")
    return before, run


@pytest.mark.parametrize("case", GOLDEN_CASES)
def test_golden(case: str, rollout_schema: RolloutSchema) -> None:
    before, run = run_case(case)
    after = run.doc
    failed = bool([r for r in after.get("results") or [] if r.get("severity") == "error"])
    if failed:  # an error run must give back the list exactly as it came
        assert not change(before, after)
    else:  # what it made, as kubectl reads it, is what the API server and the controller accept
        given = {yamlio.dump(item) for item in before.get("items") or []}
        made = [item for item in after["items"] if yamlio.dump(item) not in given]  # not what passed through
        for item in made:
            if item.get("kind") == "Rollout":
                rollout_schema.assert_valid(as_kubectl_reads(item))
        if made:
            assert_accepted(yamlio.dump_all(made))

    second = run_fn(yamlio.dump(after))
    assert second.items == after["items"], f"{case}: a second run changed the items"
    assert second.exit_code == (1 if failed else 0)


def test_every_result_tag_appears_in_a_case() -> None:
    """Every rule (and every other result tag) is shown by at least one golden case."""
    from krm_fn import provider_api, registry, rules

    tags = {r["tags"]["rule"] for case in GOLDEN_CASES for r in _results(case) if "rule" in r.get("tags", {})}
    rule_ids = {rule.ID for rule in rules.RULES}
    for name in registry.PROVIDERS:
        rule_ids |= {rule.ID for rule in provider_api.load(name).rules}
    others = {"config", "resource-list", "retarget", "convert", "canary-service", "preview-service", "existing-rollout"}
    assert rule_ids | others == tags, f"without a case: {sorted((rule_ids | others) - tags)}; unknown: {sorted(tags - rule_ids - others)}"


def _results(case: str) -> list[dict[str, Any]]:
    path = GOLDEN / case / ".expected" / "results.yaml"
    return yamlio.load(path.read_text()) if path.exists() else []
