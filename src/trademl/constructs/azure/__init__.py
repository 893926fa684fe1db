"""Azure constructs: foundation (network, Key Vault, storage), audit archive, desks and the platform stages."""
