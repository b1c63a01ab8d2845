"""`checklist serve`: a local web page over the library (DESIGN §11).

`create_app(store)` builds the Starlette application; `Store(url)` opens (and migrates) the
database; `serve(...)` runs it under uvicorn. Everything the page asks of the library goes
through `checklist.serve.library`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from checklist.serve.store import Store


def create_app(store: Store, **options: Any) -> Any:
    from checklist.serve.app import create_app as make

    return make(store, **options)


__all__ = ["create_app"]
