"""The desktop window: the only package that imports Qt (PySide6).

The window starts the core's stages on a worker thread and renders the plain values they return;
see :mod:`byway.ui.app` for the entry point and :mod:`byway.ui.ports` for what it needs injected.
"""
