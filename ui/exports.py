"""The files the page's export button writes, kept to a bounded number.

Anyone who can open the page may press 导出, so its files must not pile up: each export goes to a
folder of its own inside Gradio's cache folder (which serves it from there, without a second copy),
a session's new export replaces its previous one, and only the newest ``KEPT`` exports of all
sessions are kept (older ones are deleted; a link to one of them then answers 404). Gradio also
deletes them after an hour and when the server stops (``delete_cache``). Measured: docs/security.md.
"""

from __future__ import annotations

import contextlib
import secrets
import shutil
import threading
from collections import OrderedDict
from collections.abc import Callable
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

    def write(self, session: str, name: str, write: Callable[[Path], Path]) -> Path:
        """``write(path)`` the session's export as ``name`` in a new folder; the path written.

        The session's previous export and the oldest ones beyond ``kept`` are deleted."""
        folder = self.root / secrets.token_hex(8)
        folder.mkdir(parents=True)
        try:
            path = write(folder / name)
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
