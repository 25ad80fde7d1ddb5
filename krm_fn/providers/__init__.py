"""The providers shipped: each a package whose `PROVIDER` implements `krm_fn.provider_api.Provider`,
registered by name in `krm_fn.registry`."""
