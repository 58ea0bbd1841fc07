"""Analyze: pure judgement of what :mod:`byway.measure` recorded.

Observations (and the control's view) go in; OONI verdicts, Byway findings that name the technique,
and a network summary come out. No I/O here, except loading the shipped fingerprints once.
"""
