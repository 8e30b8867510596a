"""Reads of decisions: practice.py for GPs, review.py for ICB reviewers."""
