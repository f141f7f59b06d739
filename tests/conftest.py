"""Settings shared by every suite."""

from hypothesis import settings

# Hypothesis's per-example deadline is a timing assertion: on a loaded machine it fails tests whose
# behaviour is right. Speed is measured by the benchmarks under bench/, not by tests.
settings.register_profile("project", deadline=None)
settings.load_profile("project")
