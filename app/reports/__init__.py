"""Exports and reports from published results: Excel rankings and score matrix, PDF summaries, appraisal, judges."""
