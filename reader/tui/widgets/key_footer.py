"""The footer: Textual's, made again only when the keys it shows have changed."""

from __future__ import annotations

from textual.widgets import Footer


class KeyFooter(Footer):
    """Textual makes its footer again each time the bindings are refreshed, even when the
    keys shown stay the same: at start-up that is three times in a row (~30 ms each), just
    after the list is drawn, which held back the footer itself and the feed counts."""

    _shown: tuple | None = None      # what the footer was last made from

    def _keys(self) -> tuple:
        return (
            self.show_command_palette,
            tuple((binding, enabled, tooltip)
                  for _, binding, enabled, tooltip in self.screen.active_bindings.values()),
        )

    async def recompose(self) -> None:
        if not self.is_attached:
            return
        keys = self._keys()
        if keys != self._shown:
            self._shown = keys
            await super().recompose()
