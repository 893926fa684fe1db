"""AWS constructs shared by both AWS flavours (aws-eks and aws-ecs)."""
