"""step-weight: a step larger than the largest weight never reaches it in steps."""

from __future__ import annotations

from collections.abc import Iterator

from krm_fn.provider_api import Context, Target, Traits
from krm_fn.results import Result, error

from ..spec import FlaggerLikeSpec

ID = "step-weight"
TRAITS = Traits(per_target=False)


def check(ctx: Context[FlaggerLikeSpec, Target]) -> Iterator[Result]:
    if ctx.targets and ctx.spec.stepWeight > ctx.spec.maxWeight:
        yield error(f"stepWeight {ctx.spec.stepWeight} is over maxWeight {ctx.spec.maxWeight}", field="spec.stepWeight", rule=ID)
