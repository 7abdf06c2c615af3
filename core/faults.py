"""An explicit crash point for the crash tests of the funds loop.

`crash_point("withdraw_to_exchange:base:after_key")` does nothing unless the environment
variable MRMARKET_CRASH_AT names that point; then the process kills itself with SIGKILL,
as a worker dies when its machine loses power. The crash tests start a real worker with
the variable set, watch it die at the chosen step boundary, and restart it without the
variable to prove the step completes exactly once. Points are named
"<job>:<leg or ->:<after_key|after_call>" and listed in docs/funds-loop.md.
"""

import os
import signal

CRASH_ENV = "MRMARKET_CRASH_AT"


def crash_point(name: str) -> None:
    if os.environ.get(CRASH_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)
