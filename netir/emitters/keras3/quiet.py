"""Keras and TensorFlow imported quietly: the Keras emitter imports this module before
anything else imports keras.

Unless the user set ``TF_CPP_MIN_LOG_LEVEL`` themselves, TensorFlow's C++ logging shows
errors only (no CPU-feature or oneDNN notices) and absl's Python logger shows errors
only. TensorFlow prints its oneDNN notice and absl's pre-initialisation line whatever
the level (with oneDNN on: by default on Intel CPUs), so keras is imported here with
those lines filtered out of stderr (:func:`netir.quiet_import.import_quietly`). A level
the user chose is kept, with absl left as it is: ``TF_CPP_MIN_LOG_LEVEL=0 netir compare
lenet5`` shows every line again.
"""

from __future__ import annotations

import os

from netir.quiet_import import import_quietly

if "TF_CPP_MIN_LOG_LEVEL" not in os.environ:
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "2"      # 0 all, 1 no INFO, 2 no WARNING, 3 no ERROR
    from absl import logging as absl_logging  # keras depends on absl-py

    absl_logging.set_verbosity(absl_logging.ERROR)


def log_level() -> int:
    """``TF_CPP_MIN_LOG_LEVEL`` as TensorFlow reads it (0 where it is not a number)."""
    try:
        return int(os.environ.get("TF_CPP_MIN_LOG_LEVEL", "0"))
    except ValueError:
        return 0


import_quietly("keras", log_level())
