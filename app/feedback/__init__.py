"""Secretaries' feedback: their own published scores, rank, group figures and judges' comments."""
