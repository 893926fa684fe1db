"""Constructs of the aws-eks flavour: the cluster, its node pools, IRSA roles and the in-cluster workloads."""
