"""Keyless CI: per-cloud identities GitHub Actions federate into, and the GitHub side that names them."""
