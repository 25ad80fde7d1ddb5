"""name-conflict: a Rollout of the same name and namespace is already in the list.

Converting would leave two Rollouts with one name: the later apply wins and the other
is lost. The existing Rollout is left alone; the Deployment is not converted.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..results import Result, error
from ..select import is_rollout, name_of, namespace_of
from . import Context

ID = "name-conflict"


def check(ctx: Context) -> Iterator[Result]:
    rollouts = {(namespace_of(item), name_of(item)) for item in ctx.items if is_rollout(item)}
    for target in ctx.targets:
        key = (namespace_of(target.deployment), name_of(target.deployment))
        if key in rollouts:
            where = f" in namespace {key[0]}" if key[0] else ""
            yield error(
                f"a Rollout named {key[1]}{where} is already in the list; converting this Deployment "
                "would make a second one (rename one, or exclude the Deployment)",
                target.deployment,
                "metadata.name",
                ID,
            )
