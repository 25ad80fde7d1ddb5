"""Config -> transform -> results: the whole run over a parsed ResourceList, no I/O."""

from __future__ import annotations

from typing import Any

from .config import Spec, load_config
from .convert import canary_strategy, to_rollout
from .results import Result, has_errors, info
from .rules import AFTER_RULES, RULES, After, Context, Target
from .select import is_selected


def run(items: list[dict[str, Any]], fn_config: Any) -> tuple[list[dict[str, Any]], list[Result]]:
    """The output items and the results. On any error the items come back unchanged."""
    spec, results = load_config(fn_config)
    if spec is None:
        return items, results
    if not spec.enabled:
        return items, [info("spec.enabled is false: nothing converted, every item passed through unchanged")]
    return convert_selected(items, spec)


def convert_selected(items: list[dict[str, Any]], spec: Spec) -> tuple[list[dict[str, Any]], list[Result]]:
    targets = [
        Target(index, item, canary_strategy(spec, item))
        for index, item in enumerate(items)
        if is_selected(item, spec.selector)
    ]
    ctx = Context(spec, items, targets)
    results = [result for rule in RULES for result in rule(ctx)]
    if has_errors(results):
        return items, results
    output = list(items)
    for target in targets:
        output[target.index] = to_rollout(target.deployment, target.canary)
        steps = len(target.canary["steps"])
        results.append(
            info(
                f"converted to an Argo Rollout (canary: {steps} step{'s' if steps != 1 else ''}, "
                f"maxSurge {target.canary['maxSurge']}, maxUnavailable {target.canary['maxUnavailable']})",
                target.deployment,
                rule="convert",
            )
        )
    after = After(items, output, targets)
    results.extend(result for rule in AFTER_RULES for result in rule(after))
    return output, results
