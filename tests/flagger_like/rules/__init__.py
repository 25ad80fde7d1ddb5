"""The test provider's one rule."""

from __future__ import annotations

from collections.abc import Sequence

from krm_fn.provider_api import Rule, Target

from ..spec import FlaggerLikeSpec
from . import step_weight

RULES: Sequence[Rule[FlaggerLikeSpec, Target]] = [step_weight]
