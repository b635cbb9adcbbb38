"""The files the page's export button writes, kept to a bounded number.

Anyone who can open the page may press 导出, so its files must not pile up: each export goes to a
folder of its own inside Gradio's cache folder (which serves it from there, without a second copy),
a session's new export replaces its previous one, and only the newest ``KEPT`` exports of all
sessions are kept (older ones are deleted; a link to one of them then answers 404). Gradio also
deletes them after an hour and when the server stops (``delete_cache``).

Files are written one at a time in one thread of their own, and the garbage of a .docx is
collected at once (the young generations: ~1 ms; a full collection of the server's heap took
~100 ms): python-docx builds its template (~18,000 XML elements) for every file and leaves it in
reference cycles, which the server's large heap lets pile up until a rare full collection, in the
allocator arena of whichever thread wrote it. 1,000 exports from 40 threads at once grew a
process to 2.1 GB (one thread: 312 MB); 2,250 in a row grew the server from 334 to 664 MB. Measured:
docs/security.md.
"""

from __future__ import annotations

import contextlib
import gc
import secrets
import shutil
import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from gradio.utils import get_upload_folder

KEPT = 64  # exports on disk at once: one per page session Gradio keeps (ui.app.SESSION_CAPACITY)
FOLDER = "planqa-exports"


class Exports:
    """Export folders by session, newest last; ``served``: Gradio's record of the files it serves
    (a component's ``temp_files``), from which deleted files are dropped too."""

    def __init__(self, kept: int = KEPT, root: Path | None = None, served: set[str] | None = None) -> None:
        self.kept = kept
        self.root = root or Path(get_upload_folder()) / FOLDER / secrets.token_hex(4)  # this server's own
        self.served = served if served is not None else set()
        self._folders: OrderedDict[str, Path] = OrderedDict()
        self._lock = threading.Lock()
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="planqa-export")

    def write(self, session: str, name: str, write: Callable[[Path], Path]) -> Path:
        """``write(path)`` the session's export as ``name`` in a new folder; the path written.

        The session's previous export and the oldest ones beyond ``kept`` are deleted."""
        folder = self.root / secrets.token_hex(8)
        folder.mkdir(parents=True)
        try:
            path = self._writer.submit(_write_and_collect, write, folder / name).result()
        except BaseException:
            self._delete(folder)
            raise
        with self._lock:
            stale = [self._folders.pop(session)] if session in self._folders else []
            self._folders[session] = folder
            while len(self._folders) > self.kept:
                stale.append(self._folders.popitem(last=False)[1])
        for old in stale:
            self._delete(old)
        return path

    def files(self) -> list[Path]:
        """The export files on disk now (for tests and the documentation's measurements)."""
        return sorted(p for p in self.root.rglob("*") if p.is_file()) if self.root.is_dir() else []

    def _delete(self, folder: Path) -> None:
        for path in folder.glob("*"):
            self.served.discard(str(path))
        with contextlib.suppress(OSError):
            shutil.rmtree(folder)


def _write_and_collect(write: Callable[[Path], Path], path: Path) -> Path:
    try:
        return write(path)
    finally:
        if path.suffix == ".docx":
            gc.collect(1)  # python-docx's cycles and their XML trees, before they reach the oldest generation
