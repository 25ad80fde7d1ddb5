"""krm-progressive-delivery: a KRM function that turns selected Deployments into Argo Rollouts canaries."""

NAME = "krm-progressive-delivery"
__version__ = "0.2.0"
