"""Operations: bootstrap a target's state backend and preflight a profile against the real clouds."""
