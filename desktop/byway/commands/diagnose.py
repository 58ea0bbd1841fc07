"""``byway diagnose``: measure this network, judge it, and print the findings (or OONI JSON).

The arguments are defined in :mod:`byway.commands.diagnose_args`, which the CLI imports instead of
this module; ``add_diagnose_parser`` and ``add_diagnose_arguments`` stay importable from here.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from typing import TextIO

from byway.analyze.addresses import AddressPolicy
from byway.analyze.fingerprints import load_fingerprints
from byway.analyze.verdict import judge
from byway.commands.diagnose_args import add_diagnose_arguments as add_diagnose_arguments
from byway.commands.diagnose_args import add_diagnose_parser as add_diagnose_parser
from byway.consent import consent_question, is_yes, risk_text
from byway.i18n import translate
from byway.lab.client import LabDefaults, lab_defaults
from byway.measure.diagnosis import Progress, ProgressKind, run_diagnosis
from byway.measure.observations import Diagnosis, Target
from byway.measure.own_addresses import own_addresses
from byway.measure.relays import Relay, directory_authorities
from byway.measure.settings import DEFAULT_DOH_URL, DEFAULT_RESOLVER, DEFAULT_TEST_HELPER, ProbeSettings
from byway.report.ooni import ProbeContext
from byway.report.render import render_json_lines, render_text
from byway.report.scrub import ScrubbingFailed
from byway.store.errors import StorageUnavailable
from byway.store.locations import Locations
from byway.store.settings import load_settings, save_settings
from byway.targets import TargetError, load_default_targets, load_target_file, parse_url, unique


def settings_from_args(args: argparse.Namespace, lab: LabDefaults | None) -> ProbeSettings:
    """The probe settings: the command line first, then the lab's services inside the lab, then the
    public defaults."""
    resolver = args.resolver or (lab.resolver if lab else DEFAULT_RESOLVER)
    doh = args.doh or (lab.doh_url if lab else DEFAULT_DOH_URL)
    helper = args.test_helper or (lab.test_helper if lab else DEFAULT_TEST_HELPER)
    return ProbeSettings(
        use_system_resolver=not args.no_system_resolver,
        resolver=None if args.no_resolver else resolver,
        doh_url=None if args.no_doh else doh,
        test_helper=None if args.no_control else helper,
        dns_timeout_s=min(4.0, args.timeout),
        tcp_timeout_s=args.timeout,
        tls_timeout_s=args.timeout,
        http_timeout_s=args.timeout,
        control_timeout_s=max(args.timeout * 3, 15.0),
        concurrency=args.concurrency,
        residual_window_s=args.residual_window,
        shuffle_seed=args.seed,
    )


def targets_from_args(args: argparse.Namespace, lab: LabDefaults | None) -> list[Target]:
    targets = [parse_url(url) for url in args.urls]
    if args.targets is not None:
        targets += load_target_file(args.targets)
    if not targets:
        targets = list(lab.targets) if lab else load_default_targets()
    return unique(targets)


def ensure_consent(args: argparse.Namespace, locations: Locations, stdin: TextIO, stderr: TextIO) -> bool:
    """Ask once, remember the yes; ``--accept-risks`` answers for scripts."""
    loaded = load_settings(locations)
    for warning in loaded.warnings:
        print(warning.message, file=stderr)
    if loaded.settings.consent is not None:
        return True
    if not args.accept_risks:
        print(risk_text(), file=stderr)
        if not stdin.isatty():
            print(
                translate("Cli", "No terminal to ask for consent: run again with --accept-risks to agree."),
                file=stderr,
            )
            return False
        print(consent_question(), end="", file=stderr, flush=True)
        if not is_yes(stdin.readline()):
            print(translate("Cli", "Nothing was tested."), file=stderr)
            return False
    try:
        save_settings(locations, loaded.settings.with_consent())
    except StorageUnavailable as exc:
        print(str(exc), file=stderr)  # the consent holds for this run even if it cannot be kept
    return True


def _print_progress(progress: Progress, stream: TextIO) -> None:
    if progress.kind is ProgressKind.STARTED:
        print(translate("Cli", "Testing {total} targets...").format(total=progress.total), file=stream)
    elif progress.kind is ProgressKind.TARGET_DONE and progress.observation is not None:
        verdict = judge(progress.observation, _policy(), load_fingerprints())
        state = _verdict_word(verdict.blocking, verdict.accessible)
        print(
            f"[{progress.done:>3}/{progress.total}] {progress.observation.target.url}  {state}", file=stream
        )
    elif progress.kind is ProgressKind.RELAY_DONE and progress.relay is not None:
        relay = progress.relay
        ok = relay.tls is not None and relay.tls.handshake_completed
        state = translate("Cli", "reachable") if ok else translate("Cli", "unreachable")
        print(f"[{progress.done:>3}/{progress.total}] Tor relay {relay.nickname}  {state}", file=stream)


def _verdict_word(blocking: object, accessible: bool | None) -> str:
    if blocking is False and accessible:
        return translate("Cli", "ok")
    if blocking is False:
        return translate("Cli", "down (not censorship)")
    if blocking is None:
        return translate("Cli", "unknown")
    return translate("Cli", "blocked ({how})").format(how=blocking)


def _policy() -> AddressPolicy:
    return AddressPolicy.from_environment(os.environ)


def run_diagnose(args: argparse.Namespace) -> int:
    locations: Locations = args.locations
    lab = lab_defaults()  # read once: inside the lab, its services replace the public defaults
    try:
        targets = targets_from_args(args, lab)
    except TargetError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    if not ensure_consent(args, locations, sys.stdin, sys.stderr):
        return 3
    relays: list[Relay] = []
    if not args.no_tor:
        if args.relay:
            relays = list(args.relay)
        else:
            relays = list(lab.relays) if lab else list(directory_authorities())
    settings = settings_from_args(args, lab)
    try:
        diagnosis = asyncio.run(
            run_diagnosis(targets, settings, relays, lambda p: _print_progress(p, sys.stderr))
        )
    except KeyboardInterrupt:
        print(translate("Cli", "Stopped."), file=sys.stderr)
        return 130
    emit(diagnosis, args.json, sys.stdout, _probe_context(settings, relays))
    return 0


def _probe_context(settings: ProbeSettings, relays: list[Relay]) -> ProbeContext:
    """Scrub this machine's own addresses (as seen towards the probed servers) from every report."""
    destinations = [relay.endpoint for relay in relays]
    if settings.resolver is not None:
        destinations.append(settings.resolver)
    mine = own_addresses(destinations or [DEFAULT_RESOLVER])
    return ProbeContext(probe_ip=mine[0] if mine else "", scrub=mine[1:])


def emit(diagnosis: Diagnosis, as_json: bool, stream: TextIO, context: ProbeContext) -> None:
    """Print the result: OONI JSON lines, or the human report."""
    policy = _policy()
    try:
        if as_json:
            for line in render_json_lines(diagnosis, policy, context=context):
                print(line, file=stream)
        else:
            print(render_text(diagnosis, policy, context=context), file=stream)
    except ScrubbingFailed:
        print(
            translate("Cli", "The report was withheld: your address could not be removed from it."),
            file=sys.stderr,
        )
