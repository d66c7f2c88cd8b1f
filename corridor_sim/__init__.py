"""corridor-sim: discrete-event simulation of freight on the Middle Corridor."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("corridor-sim")
except PackageNotFoundError:  # running from a source tree without install
    __version__ = "0.0.0+unknown"
