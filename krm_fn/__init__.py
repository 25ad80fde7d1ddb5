"""krm-progressive-delivery: a KRM function that turns selected Deployments into Argo Rollouts canaries."""

__version__ = "0.2.0"
