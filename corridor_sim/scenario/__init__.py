"""Scenario files: schema, loading, validation."""

from .errors import ScenarioError
from .loader import load_scenario
from .schema import Scenario

__all__ = ["Scenario", "ScenarioError", "load_scenario"]
