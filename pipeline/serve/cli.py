"""The ``serve`` subcommand: ``warta serve [--host 127.0.0.1] [--port 8080] [--data DIR] ...``.

``run.py`` adds the subcommand with ``add_serve_parser`` and runs it with ``run_serve``; the
translation options are the ``translate`` subcommand's, from ``pipeline.settings.OPTIONS``
(less the batch-only ones), so a server translates exactly as ``translate`` would.
``--add-user NAME`` and ``--set-password NAME`` manage accounts on the data folder (also while
a server runs on it) and exit.
"""

import argparse
import getpass
import ipaddress
import socket
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.errors import UsageError
from pipeline.serve import ServeOptions, require_serve_packages
from pipeline.serve.store import ROLES, DataFolder, Store, StoreError

if TYPE_CHECKING:
    from pipeline.orchestrator import Warta
    from pipeline.settings import Option, Settings

#: ``translate`` options that mean nothing to a server: it has no batch to redo or window.
BATCH_ONLY = ("force", "window_sentences")
#: The line ``run_serve`` prints when it listens (tests and the load benchmark read the port from it).
LISTENING = "warta serve: listening on http://{host}:{port}/"


def add_serve_parser(subparsers: Any, common_parent: argparse.ArgumentParser,
                     add_setting: Callable[[argparse.ArgumentParser, str, "Option", object], None]) -> argparse.ArgumentParser:
    """Add ``serve`` to the command line.

    Args:
        subparsers: ``build_parser``'s subcommands.
        common_parent: the parser of the options ``translate`` and ``models`` share (models, device...).
        add_setting: ``run._add_setting``, which adds one ``Settings`` option as every subcommand has it.

    Returns:
        The ``serve`` parser.
    """
    from pipeline.settings import OPTIONS, TRANSLATE, Settings

    defaults = ServeOptions()
    serve = subparsers.add_parser(
        "serve", parents=[common_parent], help="serve the office: a review web page and an HTTP API, models loaded once",
        description="One warta for the office: reviewers use the web page, scripts and LibreTranslate clients the HTTP API "
                    "(docs/serve.md). Listens on 127.0.0.1 unless --host says otherwise; behind HTTPS only when on a network.",
    )
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to listen on (default: 127.0.0.1, this machine only; 0.0.0.0 is every network: put a "
                            "reverse proxy with HTTPS in front, or keys and passwords cross the network in clear)")
    serve.add_argument("--port", type=int, default=8080, help="port to listen on; 0 for any free port (default: 8080)")
    serve.add_argument("--data", type=Path, default=Path("warta-data"), metavar="DIR",
                       help="data folder: accounts, queue, uploads, outputs, the office's translation memory (default: warta-data)")
    setting_defaults = Settings()
    for name, option in OPTIONS.items():
        if option.commands == TRANSLATE and name not in BATCH_ONLY:
            add_setting(serve, name, option, getattr(setting_defaults, name))
    serve.add_argument("--max-upload-mb", type=float, default=defaults.max_upload_mb, metavar="MB",
                       help=f"largest upload (default: {defaults.max_upload_mb:g})")
    serve.add_argument("--max-chars", type=int, default=defaults.max_chars, metavar="N",
                       help=f"most characters of pasted text or of one /translate request, and per client a minute on "
                            f"/translate (default: {defaults.max_chars})")
    serve.add_argument("--rate-limit", type=int, default=defaults.rate_limit, metavar="N",
                       help=f"requests a minute per API key, session or address; 0 for none (default: {defaults.rate_limit})")
    serve.add_argument("--trust-forwarded-for", action="store_true",
                       help="take the client's address from X-Forwarded-For (only behind the office's own reverse proxy)")
    serve.add_argument("--add-user", metavar="NAME", help="create an account, print its API key, and exit")
    serve.add_argument("--role", choices=ROLES, default="reviewer", help="the role of --add-user (default: reviewer)")
    serve.add_argument("--password", action="store_true", help="with --add-user: ask for a page password (typed twice, not shown)")
    serve.add_argument("--set-password", metavar="NAME", help="ask for a new page password of account NAME, and exit")
    return serve


def run_serve(args: argparse.Namespace, settings: "Settings", make_warta: Callable[["Settings"], "Warta"] | None = None) -> int:
    """Run ``warta serve`` until Ctrl-C or SIGTERM (or manage an account and return).

    Args:
        args: the parsed ``serve`` options.
        settings: the translation settings from them (``run._settings_from``).
        make_warta: builds the server's Warta; None for ``Warta`` (the load benchmark and the
            tests pass one with stand-in translators).

    Returns:
        0 after a clean stop, or after ``--add-user`` / ``--set-password``.

    Raises:
        UsageError: bad options, the serve extra not installed, the port taken, the data folder
            used by another server.
        ModelError: the executor could not start.
        WartaError: the data folder or its database cannot be used.
    """
    options = ServeOptions(args.max_upload_mb, args.max_chars, args.rate_limit, args.trust_forwarded_for)
    if args.add_user or args.set_password:
        return _manage_account(args)
    require_serve_packages()
    import uvicorn

    from pipeline.serve.app import create_app

    listening = _listen(args.host, args.port)
    try:
        app = create_app(settings, args.data, options, make_warta)
        app.state.lifecycle.open()  # the lock and the worker before uvicorn: errors are one line
        try:
            host, port = listening.getsockname()[:2]
            print(LISTENING.format(host=host, port=port), f"(data: {args.data}); Ctrl-C stops", flush=True)
            if not ipaddress.ip_address(host).is_loopback:
                print("warta: listening beyond this machine without TLS: put a reverse proxy with HTTPS in front "
                      "(docs/serve.md, Security)", file=sys.stderr, flush=True)
            config = uvicorn.Config(app, log_config=None, proxy_headers=False, server_header=False,
                                    access_log=getattr(args, "verbose", False), timeout_graceful_shutdown=30)
            uvicorn.Server(config).run(sockets=[listening])
        finally:
            app.state.lifecycle.close()
    finally:
        listening.close()
    return 0


def _listen(host: str, port: int) -> socket.socket:
    """A socket bound to ``host``:``port`` (0: any free port), for uvicorn to serve on."""
    try:
        family = socket.AF_INET6 if ipaddress.ip_address(host).version == 6 else socket.AF_INET
    except ValueError as error:
        raise UsageError(f"--host takes an IP address such as 127.0.0.1 or 0.0.0.0; got '{host}'") from error
    listening = socket.socket(family, socket.SOCK_STREAM)
    listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listening.bind((host, port))
    except OSError as error:
        listening.close()
        raise UsageError(f"cannot listen on {host}:{port} ({error.strerror or error}); choose another --port") from error
    listening.listen(128)
    listening.set_inheritable(True)
    return listening


def _manage_account(args: argparse.Namespace) -> int:
    from pipeline.serve.accounts import check_password, create_account, hash_secret

    folder = DataFolder(args.data)
    folder.create()
    store = Store(folder.database)
    try:
        if args.set_password:
            if store.user(args.set_password) is None:
                raise UsageError(f"no account named '{args.set_password}' in {args.data}")
            store.set_password_hash(args.set_password, hash_secret(check_password(_ask_password(args.set_password))))
            print(f"warta: {args.set_password}: new password set; their page sessions have ended", file=sys.stderr)
            return 0
        password = _ask_password(args.add_user) if args.password else None
        user, key = create_account(store, args.add_user, args.role, password)
    except StoreError as error:
        raise UsageError(str(error)) from error
    finally:
        store.close()
    print(key)
    print(f"warta: account {user.name} ({user.role}) created in {args.data}; the line above is its API key, shown this once "
          f"(send it as 'Authorization: Bearer <key>')", file=sys.stderr)
    return 0


def _ask_password(name: str) -> str:
    try:
        first = getpass.getpass(f"page password for {name}: ")
        second = getpass.getpass("the same again: ")
    except (EOFError, KeyboardInterrupt) as error:
        raise UsageError("no password given") from error
    if first != second:
        raise UsageError("the two passwords differ; nothing was changed")
    return first

