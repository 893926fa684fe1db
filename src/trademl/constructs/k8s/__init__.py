"""Kubernetes pieces every cluster target shares (EKS, AKS, GKE): one implementation, no per-cloud copies."""
