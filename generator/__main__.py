from __future__ import annotations

import os
import sys

from generator.cli import main


def run() -> int:
    """main(), and a quiet exit when the reader of our output has gone (`... | head -1`)."""
    try:
        try:
            code = main()
        finally:  # what `print` buffered is written here, inside the try, not at exit (--help exits early)
            sys.stdout.flush()
    except BrokenPipeError:
        # Python ignores SIGPIPE, so a closed pipe is an exception rather than the silent death of
        # `cat` or `grep`. Send what is still buffered to devnull, or the interpreter's final flush
        # fails again and says so; then exit as those tools do: 128 + SIGPIPE (13), what a shell
        # shows for them under `set -o pipefail`, and not 1, which says the list has errors.
        devnull = os.open(os.devnull, os.O_WRONLY)
        for stream in (sys.stdout, sys.stderr):
            os.dup2(devnull, stream.fileno())
        return 141
    return code


sys.exit(run())
