"""The composition root: the one place the product's parts are built from settings, a clock and overrides.

:mod:`.product` holds the ``Product`` (settings + clock + overrides, its parts built lazily once) and the
default product each Lambda function uses; :mod:`.store`, :mod:`.engine` and :mod:`.api` declare the parts
each entry point needs. This package imports nothing itself, so a function loads only its own parts.
"""
