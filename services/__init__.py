"""Palier's business rules: the only place that decides who may do what."""
