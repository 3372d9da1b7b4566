"""Child processes of a batch die with their parent, and a killed batch leaves no scratch behind.

- :func:`die_with_parent`: a worker or kernel asks Linux to send it SIGKILL when its parent dies
  (``prctl(PR_SET_PDEATHSIG)``), so a batch killed with SIGKILL takes its workers and kernels with it.
- ``python -m toolkit._child kernel -f CONNECTION_FILE``: the report kernel (ipykernel) started that way.
- :func:`start_janitor`: a tiny process that waits for the batch to end (its stdin reaches end-of-file when the batch
  exits, however it exits) and then removes the batch's scratch folders.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys

PR_SET_PDEATHSIG = 1

#: jsonschema's IRI format checker builds a grammar at import (about 1 s); neither Altair nor nbformat nor papermill
#: check that format, so the report processes do without it
_NOT_NEEDED_IN_REPORTS = ("rfc3987_syntax",)
#: and a report kernel never runs Spark: without this, pandera imports pyspark.pandas when it is installed (0.35 s)
_NOT_NEEDED_IN_KERNELS = (*_NOT_NEEDED_IN_REPORTS, "pyspark")
#: a report kernel computes one shop's small tables, and a batch already runs one kernel per core: the libraries'
#: thread pools only spin there (measured: 0.82-1.02 CPU-s a report with them, 0.64-0.76 without, same wall time)
_ONE_THREAD = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "POLARS_MAX_THREADS", "RAYON_NUM_THREADS")


def skip_unneeded_imports(names: tuple[str, ...] = _NOT_NEEDED_IN_REPORTS) -> None:
    """Make the imports of ``names`` fail fast in this process (the libraries that import them treat them as
    optional)."""
    for name in names:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]  # None makes `import name` fail at once


def die_with_parent(parent: int | None = None) -> None:
    """Be killed (SIGKILL) when the parent process dies; exit now if it is already gone. Linux only (else no-op)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # pragma: no cover - no prctl
        return
    if parent is not None and os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


_JANITOR = r"""
import os, shutil, sys
sys.stdin.buffer.read()  # end-of-file: the batch has ended, however it ended
for path in sys.argv[1:]:
    if os.path.isdir(path):
        shutil.rmtree(path, ignore_errors=True)
"""


def start_janitor(*folders: str) -> subprocess.Popen:
    """A process that removes ``folders`` once the calling process has exited (even by SIGKILL).

    Close its ``stdin`` (or exit) to let it run; it is in its own session, so a Ctrl-C or a kill of the batch's
    process group does not stop it before it has cleaned up.
    """
    return subprocess.Popen(
        [sys.executable, "-I", "-S", "-c", _JANITOR, *folders],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def _kernel(argv: list[str]) -> None:
    parent = int(os.environ.get("JPY_PARENT_PID") or 0) or None
    die_with_parent(parent)
    skip_unneeded_imports(_NOT_NEEDED_IN_KERNELS)
    for name in _ONE_THREAD:  # before numpy and Polars start their pools; a value the user set wins
        os.environ.setdefault(name, "1")
    from ipykernel.kernelapp import launch_new_instance

    sys.argv = [sys.argv[0], *argv]
    launch_new_instance()


if __name__ == "__main__":
    if sys.argv[1:2] == ["kernel"]:
        _kernel(sys.argv[2:])
    else:
        sys.exit("usage: python -m toolkit._child kernel -f CONNECTION_FILE")
