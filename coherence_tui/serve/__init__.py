"""Browser kiosks over the room's network (``coherence-tui serve``).

Layers, each importing only the ones below it:

- ``tokens``, ``room``, ``address``, ``qr``: pure standard library (``qr`` adds segno);
  the dashboard and the facilitator menu use them, so they never import aiohttp or
  Textual.
- ``kiosk_main``: the light entry point of one browser kiosk (the locked app in its
  ``web`` mode), run by a forked child of ``zygote`` or as its own process.
- ``zygote``: a pre-loaded parent that forks one kiosk per phone.
- ``launch``: starting a kiosk process (forked from the zygote, or fresh).
- ``bridge``: one phone's websocket joined to its kiosk process.
- ``server``: the aiohttp server: join token, seats, the cap, warm spares, the page.

See ``docs/serve.md`` for the decisions behind it.
"""
