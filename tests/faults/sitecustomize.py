"""Misbehaving batch workers, for the tests only: Python imports this module at startup when this
folder is on PYTHONPATH, as it is for the processes that tests/test_batch.py starts (the batch's
workers are spawned and inherit the environment).

``PLANEXTRACT_TEST_FAULTS`` is a JSON object from file name to fault; extracting such a file then
``hang``s (until the worker is killed: a timeout that does not depend on the machine's speed),
``die``s (SIGKILL, as the kernel's out-of-memory killer does) or raises ``oom`` (MemoryError).
"""

from __future__ import annotations

import json
import os

FAULTS: dict[str, str] = json.loads(os.environ.get("PLANEXTRACT_TEST_FAULTS") or "{}")

if FAULTS:
    import signal
    import time
    from pathlib import Path

    import pipeline.api

    extract = pipeline.api.run

    def run_with_faults(pdf, *args, **kwargs):
        fault = FAULTS.get(Path(pdf).name)
        if fault == "hang":
            time.sleep(3600)
        elif fault == "die":
            os.kill(os.getpid(), signal.SIGKILL)
        elif fault == "oom":
            raise MemoryError
        return extract(pdf, *args, **kwargs)

    pipeline.api.run = run_with_faults
