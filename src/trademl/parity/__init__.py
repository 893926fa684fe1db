"""Cross-cloud parity: capabilities recognised in the synthesized Terraform JSON, never in the constructs."""
