"""Messages of one line: what an error prints is one line on stderr, whatever the names in it hold.

A file name, an id or a value written into a message may hold a newline or another control
character (`nodes: {"a\nb": …}`, a file named by a script); printed as they are, they would
split the line and make the error look like two. They are written as escapes instead.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]")


def one_line(text: str) -> str:
    """`text` with its line breaks and other control characters written as escapes (`\\n`)."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)
