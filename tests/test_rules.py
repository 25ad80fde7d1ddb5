"""The rule registries: every rule has an ID, its docstring is its documentation, docs/checks.md lists it.

Which golden case shows each rule is checked in test_golden.py.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

import pytest

from krm_fn import provider_api, registry, rules

from conftest import REPO

MODULES: list[Any] = [*rules.RULES, *(m for name in registry.PROVIDERS for m in provider_api.load(name).rules)]


@pytest.mark.parametrize("module", MODULES, ids=[m.ID for m in MODULES])
def test_rule_is_documented(module: ModuleType) -> None:
    assert module.__doc__ and module.__doc__.startswith(f"{module.ID}: "), module.__name__
    assert f"| `{module.ID}` |" in (REPO / "docs" / "checks.md").read_text(), f"docs/checks.md has no row for {module.ID}"


@pytest.mark.parametrize("module", MODULES, ids=[m.ID for m in MODULES])
def test_rule_has_a_test_of_its_own(module: ModuleType) -> None:
    name = module.__name__.rpartition(".")[2]
    assert (REPO / "tests" / "rules" / f"test_{name}.py").exists(), f"tests/rules/test_{name}.py: table tests of {module.ID}"


def test_ids_are_unique() -> None:
    ids = [m.ID for m in MODULES]
    assert len(ids) == len(set(ids))
