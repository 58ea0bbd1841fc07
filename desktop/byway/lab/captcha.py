"""A tiny captcha for the lab's Moat server: digits drawn into a PNG with no image library.

Real Moat captchas are JPEGs made to resist OCR; the lab's only has to exercise the client's path
(show an image, read the answer, handle a wrong one), so a blocky PNG of five digits is enough.
"""

from __future__ import annotations

import secrets
import struct
import zlib

_GLYPHS = {
    "0": ("111", "101", "101", "101", "111"),
    "1": ("010", "110", "010", "010", "111"),
    "2": ("111", "001", "111", "100", "111"),
    "3": ("111", "001", "111", "001", "111"),
    "4": ("101", "101", "111", "001", "001"),
    "5": ("111", "100", "111", "001", "111"),
    "6": ("111", "100", "111", "101", "111"),
    "7": ("111", "001", "010", "010", "010"),
    "8": ("111", "101", "111", "101", "111"),
    "9": ("111", "101", "111", "001", "111"),
}
SCALE = 6


def new_solution(length: int = 5) -> str:
    return "".join(secrets.choice("0123456789") for _ in range(length))


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack("!I", len(data)) + kind + data + struct.pack("!I", zlib.crc32(kind + data))


def render_png(text: str) -> bytes:
    """A grayscale PNG showing ``text`` (digits only), dark ink on a light background.

    >>> render_png("42")[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
    True
    """
    cols = len(text) * 4 + 1
    width, height = cols * SCALE, 7 * SCALE
    pixels = [[235] * width for _ in range(height)]
    for index, char in enumerate(text):
        for row, bits in enumerate(_GLYPHS[char]):
            for col, bit in enumerate(bits):
                if bit == "1":
                    for dy in range(SCALE):
                        for dx in range(SCALE):
                            y = (row + 1) * SCALE + dy
                            x = (index * 4 + col + 1) * SCALE + dx
                            pixels[y][x] = 20
    raw = b"".join(b"\x00" + bytes(line) for line in pixels)
    header = struct.pack("!IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(raw))
        + _chunk(b"IEND", b"")
    )
