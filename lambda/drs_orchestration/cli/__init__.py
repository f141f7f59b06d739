"""The scripting CLI: ``python -m drs_orchestration.cli`` signs in through Cognito, lists plans, starts a
drill, follows it live and prints the report, against local mode or a deployed stack (see
:mod:`drs_orchestration.cli.target` for how it finds the API and signs in)."""
