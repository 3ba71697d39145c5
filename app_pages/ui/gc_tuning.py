"""Keep Streamlit's garbage collection after each run cheap.

Streamlit runs a full collection, ``gc.collect(2)``, after every script run (its
``runner.postScriptGC`` option, on by default, so that memory does not build up). A full
collection walks every container object alive in the process, and almost all of them come from
imports (pandas, numpy, Altair and its JSON schema, Streamlit itself) that live as long as the
process. Profiled under 100 sessions, that walk took over half of the server's time.

``gc.freeze()`` (Python 3.7+, https://docs.python.org/3/library/gc.html#gc.freeze) moves every
object alive now into a permanent generation that collections skip. Doing it after a run that
imported new modules (at most once per page module, a handful of times per process) leaves the
per-run collection scanning only what sessions created. Objects frozen by then are never
collected as cycles; they are the imports and, once per freeze, the objects of the session that
was running, so the cost is bounded.
"""

from __future__ import annotations

import gc
import sys

_modules_when_frozen = 0


def freeze_new_imports() -> bool:
    """Freeze what is alive if modules were imported since the last freeze; True if it froze."""
    global _modules_when_frozen
    if len(sys.modules) == _modules_when_frozen:
        return False
    gc.collect()
    gc.freeze()
    _modules_when_frozen = len(sys.modules)
    return True
