"""Report: OONI-format measurements for export, and a plain-text report for people."""
