"""Judgements that both ``check`` (diagnose/) and ``explain`` (explain/) reach: one home each."""
