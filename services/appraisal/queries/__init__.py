"""Appraisal's read side: rows read and shaped for answers, workbooks and charts; no decisions, no writes."""
