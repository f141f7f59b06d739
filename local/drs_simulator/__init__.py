"""DRS simulator: an HTTP server that speaks AWS Elastic Disaster Recovery's rest-json wire protocol,
so the unmodified boto3 ``drs`` client (given ``endpoint_url``) talks to it as to the service.

Stable contract (other packages code against these names):

``drs_simulator.testing.simulator_server(**options)``
    Context manager: starts the server on a free 127.0.0.1 port in a background thread and yields a
    :class:`~drs_simulator.testing.SimulatorHandle` with ``.endpoint_url``, ``.simulator`` and
    ``.drs_client(region="us-east-1", account_id=None, max_attempts=None)`` (plus ``.control(method,
    path, body)`` for the control API). Options: ``fleet`` ("demo", a count, or fixtures), ``clock``
    ("manual" default, "realtime", "scaled"), ``time_scale``, ``seed``, ``quotas`` ("current" |
    "legacy"), ``quota_overrides``, ``sinks``, ``ec2_endpoint`` / ``ec2_mirror``, ``config``, ``faults``.

``drs_simulator.simulator.Simulator``
    The in-process simulator: ``clock`` (``now()``, ``advance(seconds)``), ``load_fleet(...)``,
    ``set_faults(...)`` / ``clear_faults()``, ``reset()``, ``events`` (``since(seq)``, ``sinks``,
    ``flush()``), ``request_counts(op=None)``, ``connect_failback_client(...)``, ``state()``.

``drs_simulator.fleet.generate_fleet(count, ...)`` and ``drs_simulator.fleet.demo_fleet()``
    Fleet fixtures (:class:`~drs_simulator.fleet.ServerFixture` lists).

``drs_simulator.events``
    ``CallbackSink(fn)``, ``WebhookSink(url)``, ``EventBridgeSink(endpoint_url=..., client=...)``; the
    detail-type constants ``LAUNCH_RESULT``, ``REPLICATION_STALLED``, ``PIT_SNAPSHOT``, ``FAILBACK_STATE``.

``drs_simulator.ec2_mirror.Ec2Mirror(endpoint_url)``
    Mirrors recovery instances as EC2 instances (recoveryInstanceID == EC2 instance ID).

Control API (HTTP, prefix ``/_sim/``): ``POST reset`` (optional ``{"fleet": ...}``), ``POST fixtures``
(``{"servers": [...]}`` or ``{"fleet": "demo" | N}``), ``POST clock/advance {"seconds": n}``,
``GET clock``, ``GET|POST|DELETE faults``, ``GET events?since=N``, ``GET requests?op=Name``,
``GET concurrency?op=Name`` (the most requests answered at once),
``POST failback-client/connect {"recoveryInstanceID", "accountId"?, "region"?}``, ``GET state``.

Standalone: ``python -m drs_simulator --port 8300 --fleet demo --time-scale 60`` prints
``{"drs": "<endpoint>", ...}`` (also ``--host``, ``--fleet N|none``, ``--seed``, ``--config file.json``,
``--clock manual``, ``--quotas legacy``, ``--webhook URL``, ``--eventbridge-endpoint``, ``--ec2-endpoint``).

Account and Region of a request come from its SigV4 credential scope: the access key maps to an account
via ``SimConfig.accounts``; a 12-digit access key is the account ID; otherwise the default account
(111122223333). Every quota, timing, behaviour switch and fault knob lives in ``config.SimConfig``.
"""
