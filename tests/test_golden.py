"""Golden cases in the kpt function catalog's form: tests/golden/<case>/ holds `input.yaml` (a
ResourceList, its first comment saying what the case shows) and `.expected/` (see goldens.py),
which pins the function's exact stdout, stderr and exit code.

Each case runs twice: the second run, over the first one's output, must give the same items back.
An error run gives the list back as it came. Apart, and only where the judge is built: what a
successful run makes passes the JSON-schema check and the judge (Argo Rollouts' and Kubernetes'
own validation, validator.py). `UPDATE_GOLDEN=1 scripts/test.sh tests/test_golden.py` rewrites
`.expected/` (review the diff).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from krm_fn import provider_api, registry, rules, yamlio

from conftest import GOLDEN, GOLDEN_CASES, meaning, run_fn
from engine_crds import engine_crds
from goldens import expected_results, output_patch
from rollout_schema import RolloutSchema, as_kubectl_reads
from validator import assert_accepted

UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


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


@pytest.mark.parametrize("case", GOLDEN_CASES)
def test_golden(case: str) -> None:
    folder = GOLDEN / case
    source = (folder / "input.yaml").read_text()
    run = run_fn(source)
    assert run.stdout, f"{case}: no output ({run.stderr})"
    config: dict[str, Any] = {"exitCode": run.exit_code}
    if run.stderr:
        config["stdErr"] = run.stderr
    _expect(folder / ".expected" / "config.yaml", yamlio.dump(config))
    _expect(folder / ".expected" / "diff.patch", output_patch(source, run.stdout))
    _expect(folder / ".expected" / "results.yaml", yamlio.dump(run.results) if run.results else "")
    if run.exit_code:  # the list back as it came (as the writer writes both: a list parsed whole is written anew)
        assert yamlio.dump(run.items) == yamlio.dump(meaning(source)["items"]), "an error run must give the list back"
    second = run_fn(run.stdout)
    assert second.items == run.items, f"{case}: a second run changed the items"
    assert second.exit_code == run.exit_code


@pytest.mark.judge
@pytest.mark.parametrize("case", GOLDEN_CASES)
def test_golden_output_is_accepted(case: str, rollout_schema: RolloutSchema) -> None:
    """What a successful run makes, as kubectl reads it, is what the API server and the controller accept."""
    run = run_fn((GOLDEN / case / "input.yaml").read_bytes())
    if run.exit_code:
        return  # nothing is made: the list comes back as it came (test_golden)
    given = {yamlio.dump(item) for item in meaning((GOLDEN / case / "input.yaml").read_text()).get("items") or []}
    made = [item for item in run.items if yamlio.dump(item) not in given]  # not what passed through
    for item in made:
        if item.get("kind") == "Rollout":
            rollout_schema.assert_valid(as_kubectl_reads(item))
    if made:
        assert_accepted(yamlio.dump_all(made), schema_crds=list(engine_crds()))


def test_every_result_tag_appears_in_a_case() -> None:
    """Every rule (and every other result tag) is shown by at least one golden case."""
    tags = {r["tags"]["rule"] for case in GOLDEN_CASES for r in expected_results(case) if "rule" in r.get("tags", {})}
    rule_ids = {rule.ID for rule in rules.RULES}
    for name in registry.PROVIDERS:
        rule_ids |= {rule.ID for rule in provider_api.load(name).rules}
    others = {
        "config",
        "resource-list",
        "retarget",
        "references",
        "convert",
        "canary-service",
        "preview-service",
        "selector-services",
        "existing-rollout",
    }
    assert rule_ids | others == tags, f"without a case: {sorted((rule_ids | others) - tags)}; unknown: {sorted(tags - rule_ids - others)}"
