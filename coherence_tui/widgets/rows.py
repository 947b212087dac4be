"""A widget drawn as rows of text that repaints only the rows that change.

A widget that draws with ``render()`` is drawn again whole, border and every row,
whenever it refreshes: about 0.15 ms a row at 200x50, which is most of a dashboard
frame when one figure moves. ``TextRows`` draws through Textual's line API instead:
it keeps each row's ``Text`` and ``Strip``, and when what it shows changes it repaints
only the rows whose text differs (usually one or two).

A subclass gives ``shown()`` (a key of everything its rows depend on, besides its
size and the theme) and ``content_lines()`` (the rows), and calls ``update_rows()``
from the watchers of its reactives, which are declared with ``repaint=False``: a
plain repaint would draw the rows kept from before. ``render()`` joins the rows, so
the widget still sizes itself (``height: auto``) and tests can read it as text.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import RenderResult
from textual.geometry import Region, Size
from textual.strip import Strip
from textual.widget import Widget


class TextRows(Widget):
    """Rows of ``Text``, each repainted only when it changes (see the module docstring)."""

    FILL_HEIGHT: ClassVar[bool] = False
    """Centre the rows vertically in a widget whose height is set from outside (the stool);
    otherwise the widget is as tall as its rows (``height: auto``)."""

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self._rows: list[Text] = []
        """What is shown, one Text per row of the content region."""
        self._strips: dict[int, Strip] = {}
        self._shown: object = ()
        self._rows_size: Size | None = None
        """The content size the rows were built for."""
        self._palette: tuple[str, ...] = ()

    def shown(self) -> object:
        """Everything the rows depend on besides the size and the theme (equal: no repaint)."""
        raise NotImplementedError

    def content_lines(self) -> list[Text]:
        """The rows at the current content size."""
        raise NotImplementedError

    def render(self) -> RenderResult:
        return Text("\n").join(self.content_lines())

    def on_resize(self) -> None:
        if self._rows_size != self.content_size:  # not drawn at this size yet
            self.update_rows(force=True)

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, self._on_theme_changed)

    def _on_theme_changed(self, _theme: object) -> None:
        # The kept rows carry the old theme's colours; rebuild them once the new styles
        # are in place (a light theme would otherwise draw light-on-light).
        self.call_after_refresh(self.update_rows, force=True)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self.call_after_refresh(self._restyle_rows)

    def _restyle_rows(self) -> None:
        """Rebuild every row only when the colours the rows carry have changed.

        A restyle also follows each class toggle (the stool's ``-wobbly`` to
        ``-tipping``); redrawing everything then cost two extra frames.
        """
        palette = tuple(
            str(self.get_component_rich_style(name)) for name in sorted(self.COMPONENT_CLASSES)
        )
        if palette != self._palette:
            self._palette = palette
            self.update_rows(force=True)

    def update_rows(self, *, force: bool = False) -> None:
        """Recompute the rows; repaint the ones that differ (all of them when ``force``)."""
        if not self.is_mounted:
            return
        if not self.content_size.area:
            # Not laid out yet: the first render builds the rows at the size it is given,
            # so the first frame shows them (not an empty box, then the rows).
            self._rows_size = None
            self.refresh(layout=self._sized_by_rows())
            return
        old = self._rows
        if not self._build_rows(force=force):
            return
        rows = self._rows
        if len(old) != len(rows) and self._sized_by_rows():
            self.refresh(layout=True)  # a new height
        elif force:
            self.refresh()
        else:
            width = self.content_size.width
            for y in self._changed_rows(old, rows):
                self.refresh(Region(0, y, width, 1))

    def _sized_by_rows(self) -> bool:
        """The widget's height follows its rows (``height: auto``), so a new count of
        rows needs a layout pass; otherwise rows past the last are blank."""
        height = self.styles.height
        return not self.FILL_HEIGHT and (height is None or height.is_auto)

    @staticmethod
    def _changed_rows(old: list[Text], new: list[Text]) -> list[int]:
        """The rows that differ (a row past the end of one list is blank there)."""
        blank = Text()
        return [
            y
            for y in range(max(len(old), len(new)))
            if (old[y] if y < len(old) else blank) != (new[y] if y < len(new) else blank)
        ]

    def _build_rows(self, *, force: bool) -> bool:
        """The rows for what is shown now at the current size; False if they are as before."""
        shown = (self.shown(), self.content_size)
        if shown == self._shown and not force:
            return False
        self._shown = shown
        self._rows_size = self.content_size
        lines = self.content_lines()
        if self.FILL_HEIGHT:
            height = self.content_size.height
            lines = lines[:height]
            top = max(0, (height - len(lines)) // 2)
            lines = [Text()] * top + lines
            lines += [Text()] * (height - len(lines))
        old = self._rows
        self._rows = lines
        if force:
            self._strips.clear()
        else:
            for y in self._changed_rows(old, lines):
                self._strips.pop(y, None)
        return True

    def render_line(self, y: int) -> Strip:
        if self._rows_size != self.content_size:
            self._build_rows(force=True)  # drawn at a new size: no second frame for it
        strip = self._strips.get(y)
        if strip is None:
            width = self.content_size.width
            base = self.rich_style
            text = self._rows[y] if y < len(self._rows) else Text()
            if text.cell_len < width and text.justify == "center":
                text = Text(" " * ((width - text.cell_len) // 2)) + text
            segments = list(text.render(self.app.console, end=""))
            strip = Strip(segments, text.cell_len).crop_extend(0, width, base).apply_style(base)
            self._strips[y] = strip
        return strip
