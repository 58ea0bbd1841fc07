"""Typed errors of the lab; the CLI turns them into one plain sentence."""

from __future__ import annotations


class LabError(Exception):
    """Something in the lab went wrong; the message is already a sentence for a person."""


class LabUnavailable(LabError):
    """This machine cannot host the lab: not root, no network namespaces, or a tool is missing."""


class LabAlreadyUp(LabError):
    """A healthy lab is already running; a second one would fight it for the same names."""


class LabNotUp(LabError):
    """The command needs a running lab and there is none."""


class ScenarioError(LabError):
    """A scenario file is missing or does not say what the censor should do."""
