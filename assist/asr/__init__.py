"""Speech recognition: backends and model resolution, per-window decode options, the
scheduler in front of the recognizer, guards and the worker."""
