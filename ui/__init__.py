"""The browser chat UI (Gradio): ``planqa serve``. Calls only the ``assistant`` API."""
