"""The frozen program's entry point: the same as ``byway`` from a source install.

PyInstaller needs a script, not a ``module:function`` entry point. ``--self-test`` is routed here
as well until :mod:`byway.cli` knows the flag itself, so the bundle's smoke test does not depend on
the order in which the two land.
"""

from __future__ import annotations

import sys


def _leave(status: int) -> None:
    """Exit like :func:`byway.ui.app.leave` once Qt is loaded: PySide6 6.12 can crash while the
    interpreter tears its wrappers down, which would turn a passed self-test into a crash."""
    if "PySide6.QtCore" in sys.modules:
        import logging
        import os

        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)
    sys.exit(status)


def _main() -> int:
    from byway import cli

    if "--self-test" in sys.argv[1:]:
        known = cli.build_parser()._option_string_actions  # argparse has no public lookup
        if "--self-test" not in known:
            from byway.selftest import run_self_test

            return run_self_test()
    return cli.main()


if __name__ == "__main__":
    _leave(_main())
