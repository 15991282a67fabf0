"""TensorFlow's start-up log level, set before TensorFlow is first imported.

The Keras emitter imports this module before anything imports keras. Unless the user set
``TF_CPP_MIN_LOG_LEVEL`` themselves, TensorFlow's C++ logging then shows errors only (no
CPU-feature or oneDNN notices, no absl pre-initialisation line) and absl's Python logger
shows errors only. A level the user chose is kept, with absl left as it is:
``TF_CPP_MIN_LOG_LEVEL=0 netir compare lenet5`` shows every line again.
"""

from __future__ import annotations

import os

if "TF_CPP_MIN_LOG_LEVEL" not in os.environ:
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "2"      # 0 all, 1 no INFO, 2 no WARNING, 3 no ERROR
    from absl import logging as absl_logging  # keras depends on absl-py

    absl_logging.set_verbosity(absl_logging.ERROR)
