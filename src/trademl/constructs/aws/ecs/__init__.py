"""ECS constructs of the aws-ecs target: cluster, Fargate/GPU services, the operations UI behind CloudFront,
spot-interruption handling and monitoring. Shared AWS pieces (registry, alerts, DNS failover) live one
package up and are used, never copied."""
