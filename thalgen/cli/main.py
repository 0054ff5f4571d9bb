"""``thalgen`` entry point: discovers the subcommand modules and maps bad input to a one-line error."""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from types import ModuleType

from thalgen import __version__
from thalgen.errors import InputError

import thalgen.cli as cli_package

_NOT_COMMANDS = {"main"}


def _command_modules() -> dict[str, ModuleType]:
    """Every module in thalgen.cli with ``add_arguments`` and ``main`` is a subcommand (name: module name)."""
    found = {}
    for info in sorted(pkgutil.iter_modules(cli_package.__path__), key=lambda i: i.name):
        if info.name in _NOT_COMMANDS or info.name.startswith("_"):
            continue
        module = importlib.import_module(f"thalgen.cli.{info.name}")
        if hasattr(module, "add_arguments") and hasattr(module, "main"):
            found[getattr(module, "COMMAND", info.name)] = module
    return found


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="thalgen", description="Thalassemia genotyping over the globin loci (GRCh38).")
    parser.add_argument("--version", action="version", version=f"thalgen {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module in _command_modules().items():
        p = sub.add_parser(name, help=getattr(module, "HELP", ""), description=getattr(module, "HELP", ""))
        module.add_arguments(p)
        p.set_defaults(_main=module.main)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "_main", None):
        parser.print_help()
        return 2
    try:
        return int(args._main(args) or 0)
    except InputError as exc:
        print(f"thalgen: error: {exc.path}: {exc.problem}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("thalgen: error: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
