"""Text from files and accounts made safe to print on a terminal or in a CI log.

A resource or file name may hold ESC, BEL or CR (``\\x1b]0;pwned\\a\\x1b[2J``): printed
raw, it retitles or clears the terminal, or starts a line that forges
``batchlint: error:``. Every human format and every message on stderr passes such
text through :func:`escape`, which writes C0 and C1 control characters, DEL,
line separators and bidirectional overrides as visible escapes (``\\x1b``).
"""

from __future__ import annotations

_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}
_UNICODE = (0x2028, 0x2029, *range(0x202A, 0x202F), *range(0x2066, 0x206A))

_TABLE = {code: _NAMED.get(chr(code), f"\\x{code:02x}")
          for code in (*range(0x20), 0x7F, *range(0x80, 0xA0))}
_TABLE.update({code: f"\\u{code:04x}" for code in _UNICODE})
_KEEP_NEWLINES = {code: text for code, text in _TABLE.items() if code != ord("\n")}


def escape(text: str) -> str:
    """``text`` on one line, with every control character visible as an escape."""
    return text.translate(_TABLE)


def escape_keeping_newlines(text: str) -> str:
    """As :func:`escape`, but newlines stay (a GitHub annotation encodes them itself)."""
    return text.translate(_KEEP_NEWLINES)
