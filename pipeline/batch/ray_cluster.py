"""Reaching Ray for ``--executor ray``: Ray imported (or the pip command that installs it), and a
cluster address checked before ``ray.init`` waits on it."""

import socket
from typing import Any

from pipeline.errors import UsageError

#: What installs Ray with warta, named when it is missing.
INSTALL_HINT = "pip install 'warta[ray]'"


def import_ray() -> Any:
    """Ray, imported.

    Raises:
        UsageError: Ray is not installed (the message names the pip command).
    """
    try:
        import ray
    except ImportError as error:
        raise UsageError(f"--executor ray needs Ray, which is not installed: {INSTALL_HINT}") from error
    return ray


def check_reachable(address: str, timeout: float = 10.0) -> None:
    """Refuse at once a cluster address where nothing answers.

    ``ray.init`` keeps retrying an address that does not answer for minutes, with no word to the
    user; one TCP connection to the host and port says the same in seconds. ``auto`` and
    ``local`` (Ray's own discovery) are left to Ray.

    Raises:
        UsageError: the address has no port, or nothing accepts a connection there.
    """
    from urllib.parse import urlsplit

    if address in ("auto", "local"):
        return
    target = urlsplit(address if "://" in address else f"ray://{address}")
    try:
        host, port = target.hostname, target.port
    except ValueError:
        host, port = None, None
    if not host or port is None:
        raise UsageError(f"cannot connect to the Ray cluster at {address}: give it as HOST:PORT or ray://HOST:PORT")
    try:
        socket.create_connection((host, port), timeout=timeout).close()
    except OSError as error:
        reason = "no answer" if isinstance(error, TimeoutError) else (error.strerror or str(error))
        raise UsageError(f"cannot connect to the Ray cluster at {address}: {reason}") from error
