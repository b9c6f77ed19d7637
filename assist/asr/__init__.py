"""Speech recognition: model resolution, the recognizer, guards and the worker."""
