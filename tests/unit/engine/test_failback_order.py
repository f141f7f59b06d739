"""A failback runs the recovery's DAG reversed: a wave waits for the waves that depended on it."""

from drs_orchestration.domain.engine.failback import reverse_plan
from drs_orchestration.domain.models.recovery_plan import DependencyCondition, WaveDependency
from drs_orchestration.domain.scheduling import wave_order
from tests.unit.domain.builders import plan, wave


def test_reversed_diamond_starts_at_its_sink_and_each_wave_waits_for_its_dependants_to_fail_back() -> None:
    # Given a diamond a -> b, a -> c, b,c -> d, with b depending on a once a is LAUNCHED
    launched = {"wave_id": "a", "condition": DependencyCondition.LAUNCHED}
    recovery = plan(wave("a"), wave("b", depends_on=[launched]), wave("c", "a"), wave("d", "b", "c"))

    # When it is reversed
    failback = reverse_plan(recovery)

    # Then d comes first, b and c wait for d, a for b and c: each for the other to have failed back
    # (completed), even where the recovery waited only for a launch
    deps = {w.id: w.depends_on for w in failback.waves}
    assert deps["d"] == []
    assert deps["b"] == [WaveDependency(wave_id="d")]
    assert deps["c"] == [WaveDependency(wave_id="d")]
    assert deps["a"] == [
        WaveDependency(wave_id="b", condition=DependencyCondition.HEALTHY),
        WaveDependency(wave_id="c", condition=DependencyCondition.HEALTHY),
    ]
    assert wave_order(failback.waves) == ["d", "b", "c", "a"]
    # And the waves keep their plan order, names and everything else
    assert [w.id for w in failback.waves] == ["a", "b", "c", "d"]
    assert [w.model_copy(update={"depends_on": []}) for w in failback.waves] == [
        w.model_copy(update={"depends_on": []}) for w in recovery.waves
    ]
