"""`planqa corpus …` subcommands: inspect how a plan was parsed."""

from __future__ import annotations

import argparse

from corpus.documents import SHIPPED_PLAN, load_document
from corpus.errors import CorpusError
from corpus.navigation import find_section, render_section, render_toc


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("corpus", help="inspect the parsed plan (table of contents, sections)")
    actions = parser.add_subparsers(dest="corpus_command", required=True)
    toc = actions.add_parser("toc", help="print the recovered 篇/章/节/专栏 tree with paragraph counts")
    toc.add_argument("--file", default=str(SHIPPED_PLAN), help="plan file (default: the shipped plan)")
    toc.set_defaults(handler=_toc)
    show = actions.add_parser("show", help="print one section by id or heading, e.g. 专栏4-6 or c13.s1")
    show.add_argument("target", help="section id, block id or heading text (第十三章 › 第一节)")
    show.add_argument("--file", default=str(SHIPPED_PLAN), help="plan file (default: the shipped plan)")
    show.set_defaults(handler=_show)


def _toc(args: argparse.Namespace) -> int:
    print(render_toc(load_document(args.file)))
    return 0


def _show(args: argparse.Namespace) -> int:
    section = find_section(load_document(args.file), args.target)
    if section is None:
        raise CorpusError(f"找不到章节 / no section matches {args.target!r}; see `planqa corpus toc`")
    print(render_section(section))
    return 0
