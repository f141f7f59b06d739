"""The evidence pack of a finished run: one self-contained HTML document for auditors (pure)."""
