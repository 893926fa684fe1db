"""Google Cloud constructs for the gcp target: one logical entity per construct, with its IAM and CMEK."""
