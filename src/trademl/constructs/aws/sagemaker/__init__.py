"""SageMaker constructs of the aws-ecs target: the training pipeline (managed spot, checkpoints, retries,
on-demand fallback), the model package group, and the Step Functions / EventBridge Scheduler around them."""
