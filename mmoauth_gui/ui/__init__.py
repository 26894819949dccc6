"""The desktop app (PySide6 + qasync). Nothing outside ``ui`` imports Qt.

How the pieces fit:

- ``app.run_gui(args)`` creates the QApplication, paints the window's shell, then runs
  ``runtime.event_loop.run`` (qasync's loop) with one ``AppContext``.
- ``context.AppContext`` is shared by every view of the window: the one ``httpx.AsyncClient``, the
  stores (profiles, secrets, last validations), the signed-in ``session``, the ``tasks`` registry
  (``tasks.start(coro, owner=..., button=...)``: every async action is kept, its button disabled while
  it runs, cancelled with its owner) and hooks such as ``affected_commands_provider``.
- ``main_window.MainWindow`` holds the tabs. A page plugs in by its feature's package: ``preview/page.py``,
  ``drafts/page.py`` and ``health/page.py`` define ``create_page(ctx, window) -> QWidget``;
  ``window.set_page(name, widget)`` does the same by hand.
- Pages are split into a table model (one per file), a view that only lays out, and a controller
  that acts (``connections/model.py`` / ``connections/view.py`` / ``connections/controller.py``).
- ``connection_form.ConnectionForm`` is the Add / Edit form; its save action and server validator are
  injected, so connections on a server and offline drafts share it.
- Rules: never block the GUI thread (network in tasks, keyring through ``asyncio.to_thread``), never
  ``exec()`` a dialog inside a coroutine (``confirm.ask_async``), palette roles and ``style.status_color``
  for colours, sizes from font metrics, an accessible name on every control.
"""
