"""YAML in and out without changing what any value means to any downstream reader.

The public face of the package; its modules are its own (a contract says so):
- `load`, `load_all`, `load_documents`, `dump`, `dump_all`: documents as data (`codec`);
- `as_applied`: a scalar as `kubectl apply` reads it (`scalars`: what the loader returns);
- `Document`, `parse_all`: a list's entry, parsed as far as it is read (`document`);
- `read_list`, `ListText`, `write_list`: a list whose texts pass through as they came (`lists`).
"""

from __future__ import annotations

from .codec import dump, dump_all, load, load_all, load_documents
from .document import Document, parse_all
from .errors import InputError
from .lists import ListText, read_list, write_list
from .scalars import as_applied

__all__ = [
    "Document",
    "InputError",
    "ListText",
    "as_applied",
    "dump",
    "dump_all",
    "load",
    "load_all",
    "load_documents",
    "parse_all",
    "read_list",
    "write_list",
]
