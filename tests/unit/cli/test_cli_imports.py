"""``byway`` starts light: importing the CLI, building its parser and parsing a command line load no
measurement, tor, transport, advice or lab code (each command's module is imported when it runs), and
each command still reaches its real ``run_*`` function."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import byway
from byway.cli import build_parser, main

# Parsed in a fresh interpreter: no converter (--bridge, --proxy, --resolver...) runs for these.
ARGVS = (
    [],
    ["--demo", "iran-2022"],
    ["--portable", "/tmp/stick", "--log"],
    ["diagnose", "--no-tor", "--json", "https://example.org/"],
    ["connect", "--transport", "obfs4", "--profile", "work", "--no-moat"],
    ["bridges", "check", "--reachability"],
    ["helper", "--listen", "127.0.0.1:9000"],
    ["lab", "up", "--scenario", "strict"],
)
HEAVY_MODULES = (
    "byway.commands.diagnose",
    "byway.commands.connect",
    "byway.commands.bridges",
    "byway.commands.helper",
    "byway.lab.command",
    "byway.lab.control",
    "byway.measure.diagnosis",
    "byway.tor.connector",
    "byway.advise",
    "byway.advice_inputs",
    "byway.transports.moat",
    "byway.testhelper.server",
    "byway.store.secrets",
    "byway.store.settings",
    "byway.store.logs",
    "byway.selftest",
    "httpx",
    "stem",
    "cryptography",
    "keyring",
    "dns",
    "PySide6",
)
HEAVY_PACKAGES = (
    "byway.analyze.",
    "byway.demo.",
    "byway.measure.",
    "byway.report.",
    "byway.servers.",
    "byway.testhelper.",
    "byway.tor.",
    "byway.transports.",
    "byway.ui.",
)
PROBE = """
import json, sys
from byway.cli import build_parser
for argv in json.loads(sys.argv[1]):
    build_parser().parse_args(argv)
print(json.dumps(sorted(sys.modules)))
"""


def test_parsing_a_command_line_imports_nothing_heavy() -> None:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(Path(byway.__file__).resolve().parents[1]), *filter(None, [env.get("PYTHONPATH")])]
    )
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(ARGVS)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    loaded = set(json.loads(done.stdout))
    assert "byway.cli" in loaded
    heavy = sorted(
        name
        for name in loaded
        if name in HEAVY_MODULES
        or name.split(".")[0] in HEAVY_MODULES
        or any(name.startswith(prefix) for prefix in HEAVY_PACKAGES)
    )
    assert heavy == []


def test_the_stall_default_is_the_strategys() -> None:
    from byway.commands.connect_args import STALL_S
    from byway.tor.strategy import ConnectTiming

    assert ConnectTiming().stall_s == STALL_S
    assert build_parser().parse_args(["connect"]).stall == STALL_S


def test_the_converters_still_parse_when_their_option_is_given() -> None:
    bridge = (
        "obfs4 192.0.2.1:443 D9A82D2F9C2F65A18407B1D2B764F130847F8B5D "
        "cert=bjRaMrr1BRiAW8IE9U5z27fQaYgOhX1UCmOpg2pFpoMvo6ZgQMzLsaTzzQNTlm7hNcb+Sg iat-mode=0"
    )
    parser = build_parser()
    connect = parser.parse_args(
        ["connect", "--bridge", bridge, "--proxy", "socks5://10.0.0.1:1080", "--country", "IR"]
    )
    assert connect.bridge[0].fingerprint.startswith("D9A8") and connect.country == "ir"
    assert connect.proxy.port == 1080
    diagnose = parser.parse_args(["diagnose", "--resolver", "9.9.9.9:53", "--relay", "moria=1.2.3.4:9101"])
    assert str(diagnose.resolver.ip) == "9.9.9.9" and diagnose.relay[0].nickname == "moria"
    helper = parser.parse_args(["helper", "--listen", "[::1]:8080", "--resolver", "1.1.1.1:53"])
    assert helper.listen == ("::1", 8080) and helper.resolver.port == 53


def test_a_bad_value_is_refused_in_the_converters_words(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["diagnose", "--resolver", "nowhere"])
    assert "expected IP:PORT, for example 8.8.8.8:53" in capsys.readouterr().err


@pytest.fixture()
def portable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path / "stick"


def _recorder(calls: list[argparse.Namespace], code: int = 7) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        calls.append(args)
        return code

    return run


@pytest.mark.parametrize(
    ("module", "function", "argv"),
    [
        ("byway.commands.diagnose", "run_diagnose", ["diagnose", "--no-tor"]),
        ("byway.commands.connect", "run_connect", ["connect", "--transport", "direct"]),
        ("byway.commands.bridges", "run_bridges", ["bridges", "list"]),
        ("byway.commands.helper", "run_helper", ["helper"]),
    ],
)
def test_each_command_runs_its_module(
    module: str, function: str, argv: list[str], portable: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[argparse.Namespace] = []
    monkeypatch.setattr(f"{module}.{function}", _recorder(calls))
    assert main(["--portable", str(portable), *argv]) == 7
    assert len(calls) == 1 and calls[0].command == argv[0]
    assert calls[0].locations.root == portable.resolve()


def test_a_lab_command_runs_its_handler(portable: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from byway.lab import command

    calls: list[argparse.Namespace] = []
    monkeypatch.setitem(command.HANDLERS, "scenario", _recorder(calls, 0))
    assert main(["--portable", str(portable), "lab", "scenario", "strict"]) == 0
    assert [args.name for args in calls] == ["strict"]


def test_a_lab_error_is_one_sentence(
    portable: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from byway.lab import command
    from byway.lab.errors import LabNotUp

    def down(args: argparse.Namespace) -> int:
        raise LabNotUp("the lab is not up")

    monkeypatch.setitem(command.HANDLERS, "down", down)
    assert main(["--portable", str(portable), "lab", "down"]) == 1
    assert "byway lab: the lab is not up" in capsys.readouterr().err


def test_without_a_display_byway_diagnoses_with_the_defaults(
    portable: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[argparse.Namespace] = []
    monkeypatch.setattr("byway.commands.diagnose.run_diagnose", _recorder(calls, 0))
    assert main(["--portable", str(portable)]) == 0
    (args,) = calls
    assert args.urls == [] and args.timeout == 10.0 and args.relay is None and not args.accept_risks
    assert args.locations.root == portable.resolve()
