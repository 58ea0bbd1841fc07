"""``byway`` with no command parses its own options without building the commands' parsers, and
gives exactly what the whole parser gives; commands, ``--help`` and mistakes go through the whole
parser, with its messages."""

from __future__ import annotations

import argparse

import pytest

from byway import cli


@pytest.mark.parametrize(
    "argv",
    [[], ["--demo", "iran-2022"], ["--portable", "/tmp/stick", "--log"], ["--self-test"], ["--dem", "x"]],
)
def test_without_a_command_the_options_parse_as_the_whole_parser_does(argv, monkeypatch) -> None:
    built: list[bool] = []
    real = cli.build_parser

    def counting(*, commands: bool = True) -> argparse.ArgumentParser:
        built.append(commands)
        return real(commands=commands)

    monkeypatch.setattr(cli, "build_parser", counting)
    quick = cli.parse(argv)
    assert built == [False]  # the commands' parsers were not built
    assert vars(quick) == vars(real().parse_args(argv))


@pytest.mark.parametrize(
    ("argv", "command"),
    [
        (["diagnose", "--accept-risks"], "diagnose"),
        (["--demo", "x", "lab", "status"], "lab"),
        (["bridges", "list"], "bridges"),
    ],
)
def test_a_command_goes_through_the_whole_parser(argv, command) -> None:
    args = cli.parse(argv)
    assert args.command == command
    assert callable(args.func)


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--portable"], "expected one argument"),
        (["--bogus"], "unrecognized arguments"),
        (["dig"], "invalid choice"),
    ],
)
def test_mistakes_get_the_whole_parsers_message(argv, words, capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.parse(argv)
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert words in err and "COMMAND" in err  # the full usage, commands included


def test_help_lists_the_commands(capsys) -> None:
    with pytest.raises(SystemExit):
        cli.parse(["--help"])
    out = capsys.readouterr().out
    for command in ("diagnose", "connect", "bridges", "helper", "lab"):
        assert command in out
