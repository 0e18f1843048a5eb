"""Appraisal: yearly profit and non-profit appraisal, floating pay, grade proposals."""
