"""The cloud-neutral stage model: what a platform means. Imports no cloud SDK and no jsii."""

from trademl.model.desks import DeskSpec
from trademl.model.errors import ProfileError
from trademl.model.gpu import GpuClass
from trademl.model.loader import load_profile
from trademl.model.plan import Layer, StackPlan, plan_stacks
from trademl.model.profile import Profile
from trademl.model.regions import Cloud
from trademl.model.targets import AwsTarget, AzureTarget, GcpTarget, TargetName

__all__ = [
    "AwsTarget",
    "AzureTarget",
    "Cloud",
    "DeskSpec",
    "GcpTarget",
    "GpuClass",
    "Layer",
    "Profile",
    "ProfileError",
    "StackPlan",
    "TargetName",
    "load_profile",
    "plan_stacks",
]
