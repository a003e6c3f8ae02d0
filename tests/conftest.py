"""Test-wide settings: hypothesis runs without per-example deadlines (two shared cores make timings noisy)."""

from hypothesis import HealthCheck, settings

settings.register_profile("hezhang", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("hezhang")
