"""One fresh GUI process for the start-up and memory benchmarks; prints JSON lines on stdout.

    python benchmarks/gui_child.py bare|app [--data-dir DIR] [--rows N] [--rss] [--profile FILE]

``bare``: a QApplication and an empty QMainWindow. ``app``: the real entry (``mmoauth_gui.cli.main.main``) on
``--data-dir``. Both print ``{"event": "painted", "t": <time.time()>}`` at the main window's first paint.
With ``--rows N`` the app then waits until the Slash commands page holds N rows, brings it to the front,
renders the window and prints ``{"event": "rows", ...}``. With ``--rss`` the last line carries the peak RSS
(``ru_maxrss``) after the window (and the rows) were painted. The process then ends at once.
``--profile FILE`` writes a cProfile of everything up to the first paint (read it with ``pstats``).

The watchers are installed when the app creates its QApplication (``ui.app.run_gui`` is wrapped), not
before: PySide6 hooks every import made after its own, so importing it earlier would slow the app down.
The first paint is seen by an event filter on the main window alone (for the app, installed as
``ui.app.paint_first`` starts waiting for it): a filter on the whole application would make every event of
every widget cross into Python, and PySide6 build the Python type of each, which costs the app (with many
more kinds of widget) tens of milliseconds that the bare window does not pay.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import resource
import sys
import time
from typing import Any

os.environ.setdefault("QT_API", "pyside6")
LIMIT_S = 120
PROFILE: list[Any] = []  # [cProfile.Profile, file] with --profile


def emit(**fields: Any) -> None:
    sys.stdout.write(json.dumps(fields) + "\n")
    sys.stdout.flush()


def finish(**fields: Any) -> None:
    emit(**fields)
    os._exit(0)


def stop_profile() -> None:
    if PROFILE:
        profile, path = PROFILE
        profile.disable()
        profile.dump_stats(path)
        PROFILE.clear()


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


class Watch:
    """What the child does once Qt is up: the first paint, then (``rows``) the preview's rows, then ``rss``."""

    def __init__(self, rows: int, rss: bool) -> None:
        self.rows = rows
        self.rss = rss
        self.window: Any = None

    def start(self) -> Any:
        from PySide6.QtCore import QEvent, QObject, QTimer
        from PySide6.QtWidgets import QApplication, QMainWindow

        watch = self

        class FirstPaint(QObject):
            def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
                if watch.window is None and event.type() == QEvent.Type.Paint and isinstance(obj, QMainWindow):
                    watch.window = obj
                    emit(event="painted", t=time.time())
                    stop_profile()
                    QTimer.singleShot(0, watch.after_paint)
                return False

        app = QApplication.instance() or QApplication(sys.argv[:1])
        QTimer.singleShot(LIMIT_S * 1000, lambda: finish(event="error", message=f"nothing after {LIMIT_S} s"))
        self.filter = FirstPaint()
        self.poll = QTimer()
        self.poll.setInterval(10)
        self.poll.timeout.connect(self.check_rows)
        self.single_shot = QTimer.singleShot
        return app

    def watch_window(self, window: Any) -> None:
        window.installEventFilter(self.filter)

    def after_paint(self) -> None:
        if self.rows:
            self.poll.start()
        elif self.rss:
            self.window.grab()
            finish(event="done", rss_mb=peak_rss_mb())
        else:
            finish(event="done")

    def check_rows(self) -> None:
        page = self.window.page("preview") if hasattr(self.window, "page") else None
        model = getattr(page, "model", None)
        if model is None or model.rowCount() < self.rows:  # the page is built after the first paint
            return
        self.poll.stop()
        shown = time.time()
        self.window.show_page("preview")
        self.single_shot(50, lambda: self.rendered(model.rowCount(), shown))

    def rendered(self, rows: int, shown: float) -> None:
        self.window.grab()  # paint everything visible, the table's rows included
        finish(event="rows", t=shown, rows=rows, rss_mb=peak_rss_mb())


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=("bare", "app"))
    parser.add_argument("--data-dir")
    parser.add_argument("--rows", type=int, default=0)
    parser.add_argument("--rss", action="store_true")
    parser.add_argument("--profile", metavar="FILE")
    args = parser.parse_args()
    if args.profile:
        PROFILE[:] = [cProfile.Profile(), args.profile]
        PROFILE[0].enable()
    watch = Watch(args.rows, args.rss)

    if args.mode == "bare":
        from PySide6.QtWidgets import QMainWindow

        app = watch.start()
        window = QMainWindow()
        window.setWindowTitle("bare")
        window.resize(800, 600)
        watch.watch_window(window)
        window.show()
        return int(app.exec())

    import mmoauth_gui.ui.app as gui  # no Qt at module level: run_gui imports PySide6 and makes the QApplication

    run_gui, paint_first = gui.run_gui, gui.paint_first

    def run_gui_watched(gui_args: argparse.Namespace) -> int:
        watch.start()
        return run_gui(gui_args)

    def paint_first_watched(widget: Any, *more: Any) -> bool:
        watch.watch_window(widget)
        return paint_first(widget, *more)

    gui.run_gui = run_gui_watched  # type: ignore[assignment]
    gui.paint_first = paint_first_watched  # type: ignore[assignment]
    from mmoauth_gui.cli.main import main as app_main

    return app_main(["--data-dir", args.data_dir] if args.data_dir else [])


if __name__ == "__main__":
    sys.exit(main())
