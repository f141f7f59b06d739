"""Local mode: the whole product on one machine (``./deploy.sh --local``).

The real API handler, the real state machine definition and handlers, and the real console, over local
AWS (moto in server mode, resources created from the CloudFormation templates) and the DRS simulator,
under one supervisor (:mod:`.runtime`). See ``python -m drs_local --help``.
"""
