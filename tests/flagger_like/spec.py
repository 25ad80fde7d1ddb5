"""The test provider's config: the weights of its canary analysis."""

from __future__ import annotations

from pydantic import Field

from krm_fn.config.models import ProviderSpec
from krm_fn.provider_api import Kind

CANARY = Kind("flagger.app/v1beta1", "Canary")


class FlaggerLikeSpec(ProviderSpec):
    stepWeight: int = Field(10, ge=1, le=100, description="traffic moved to the canary at each step, in percent")
    maxWeight: int = Field(50, ge=1, le=100, description="the most traffic the canary gets before promotion, in percent")
