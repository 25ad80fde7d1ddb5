"""surge: `maxSurge` and `maxUnavailable` must be counts the controller can scale, and not both zero.

Both zero leaves the controller no way to replace a pod (InvalidSpec). The config's own
values are checked with the config; here, the values each Rollout really gets, where
one comes from the Deployment. A numeric string such as "1" is read by Argo Rollouts as a
percentage, not a pod count: a warning.
"""

from __future__ import annotations

from collections.abc import Iterator

from ....provider_api import Traits
from ....results import Result, error, warning
from ..plan import ArgoContext
from ..surges import is_count, never_replaces, surge_settings

ID = "surge"
TRAITS = Traits(existing=True)


def check(ctx: ArgoContext) -> Iterator[Result]:
    for target in ctx.targets:
        if target.canary is None:  # blueGreen has no surge
            continue
        # A Rollout already in the list: its own values are "the config" here.
        settings = surge_settings(ctx.spec, target.deployment, "spec.strategy.canary" if target.existing else "functionConfig spec")
        (surge, surge_from), (unavailable, unavailable_from) = settings["maxSurge"], settings["maxUnavailable"]
        if never_replaces(surge, unavailable):
            field = surge_from if not surge_from.startswith("functionConfig") else unavailable_from
            yield error(
                f"maxSurge ({surge_from}) and maxUnavailable ({unavailable_from}) are both zero: no pod could ever be replaced",
                target.deployment,
                field if field != "default" else "spec.strategy.rollingUpdate",
                ID,
            )
        for value, source in ((surge, surge_from), (unavailable, unavailable_from)):
            if not is_count(value):
                yield error(
                    f'{source} is {value!r}: it must be a number of pods or a percentage such as "25%"',
                    target.deployment,
                    source if not source.startswith("functionConfig") else None,
                    ID,
                )
            elif isinstance(value, str) and not value.endswith("%"):
                yield warning(
                    f'{source} is the string "{value}", which Argo Rollouts reads as {value} percent; '
                    f"write {value} (unquoted) for {value} pods",
                    target.deployment,
                    source if not source.startswith("functionConfig") else None,
                    ID,
                )
