"""Accuracy against annotated gold data: ``quotes`` (PolNeAR metrics), ``claims`` (ECB+ claim
metrics). Each computes the same numbers as the reference scorers in ``../shared/eval/tools``."""
