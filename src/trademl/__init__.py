"""trademl: compile one cloud-neutral MLOps platform description into Terraform for four targets."""

__version__ = "0.1.0"
