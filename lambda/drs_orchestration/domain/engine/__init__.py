"""The execution engine: a reconciler ``Initialize -> Advance <-> WaitForChange -> Finalize``.

State lives in the execution's items; each step reads them, acts through ports and writes them
back, so any step may be retried after a crash at any point. Time is passed in.
"""
