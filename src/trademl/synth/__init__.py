"""The compiler: profiles in, Terraform JSON out, one worker process per target, written atomically."""

from trademl.synth.compiler import SynthError, SynthResult, synthesize

__all__ = ["SynthError", "SynthResult", "synthesize"]
