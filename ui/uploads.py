"""Files uploaded to an editable page: checked, and deleted once used or refused.

Gradio keeps every upload in its temp folder until its hourly clean-up; the page deletes a file as
soon as the library has its own copy or has refused it (ui.app). :func:`checked_uploads` also
deletes the files Gradio's own type check refuses (before any handler sees them), and does without
the empty temporary file Gradio 6's ``gr.File`` creates, and never deletes, for every file it passes on.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import gradio as gr
from gradio.data_classes import FileData, ListFiles
from gradio.utils import NamedString, get_upload_folder
from gradio_client import utils as client_utils


def checked_uploads(component: gr.File) -> gr.File:
    """``component`` (a ``gr.File`` of file paths) with its input check replaced by :func:`upload_paths`.

    An instance attribute, not a subclass: Gradio writes a ``.pyi`` stub beside the source of every
    component subclass it imports."""
    component.preprocess = lambda payload: upload_paths(component, payload)  # type: ignore[method-assign]
    return component


def upload_paths(component: gr.File, payload: ListFiles | FileData | None) -> Any:
    """What ``gr.File.preprocess`` passes on for file paths, with the same type check; when it refuses
    a file, every file of the upload is deleted."""
    if payload is None:
        return None
    files = list(payload) if isinstance(payload, ListFiles) else [payload]
    types = component.file_types or []
    refused = [f for f in files if types and not client_utils.is_valid_file(f.path, types)]
    if refused:
        discard_uploads(f.path for f in files)
        names = "、".join(Path(f.orig_name or f.path).name for f in refused)
        raise gr.Error(f"不支持的文件类型 / unsupported file type: {names}; supported: {' '.join(types)}")
    paths = [NamedString(f.path) for f in files]
    return paths if component.file_count != "single" else paths[0]


def discard_uploads(paths: Iterable[str]) -> None:
    """Delete uploaded files from Gradio's upload folder (and their folders, when empty)."""
    folder = Path(get_upload_folder()).resolve()
    for name in paths:
        path = Path(name).resolve()
        if folder in path.parents:
            with contextlib.suppress(OSError):
                path.unlink()
            with contextlib.suppress(OSError):
                path.parent.rmdir()
