"""Measure: talk to the network and record what happened, with no judgement.

Every probe returns a plain, immutable value (see :mod:`byway.measure.observations`); failures are
recorded as OONI failure strings (:mod:`byway.measure.failures`), never raised. Judgement lives in
:mod:`byway.analyze`.
"""
