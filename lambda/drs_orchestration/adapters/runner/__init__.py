"""Execution runners: how a run is started and steered (Step Functions on AWS)."""
