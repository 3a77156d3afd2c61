"""The JSON-lines event format: import into the store and export back out (docs/events.md).

One JSON object per line, each with a ``kind``: the seven kinds of INTERFACES.md (``work_item``,
``status_change``, ``change``, ``pipeline_run``, ``job_run``, ``deployment``, ``incident``) and
three extensions that let an export carry the whole store (``commit``, ``deployment_commit``,
``exclusion``).

- :func:`import_files` validates every line and writes everything in ONE store transaction; the
  first bad line raises :class:`EventError` naming file, line and field, and the store is
  unchanged. Re-importing changes no row (natural keys).
- :func:`export` writes the store back out (optionally for a window); export then import into an
  empty store gives back exactly the same records.

Instants must carry a zone (``Z``, ``+08:00`` or ``+0800``). An event file written on a machine in
Shanghai with zone-less local times would otherwise shift every duration by eight hours without a
word, so a zone-less instant is an error here, not "UTC" (unlike command-line dates).
"""

from data.events.exporter import export
from data.events.format import EventError, format_ms, instant_ms, parse_line
from data.events.importer import MAX_LINE_BYTES, ImportSummary, import_files
from data.events.kinds import KINDS

__all__ = [
    "KINDS",
    "MAX_LINE_BYTES",
    "EventError",
    "ImportSummary",
    "export",
    "format_ms",
    "import_files",
    "instant_ms",
    "parse_line",
]
