"""Targets compose stage constructs into layer stacks. Only `registry` is importable without jsii."""
