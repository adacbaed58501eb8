"""Chartwarden: audits Helm charts and Kubernetes manifests for production readiness."""

__version__ = "0.1.0"
