"""A least-recently-used store of bytes bounded in entries and in bytes, safe across threads.

One per worker process; the link previews' images and the compressed static bodies each keep one."""
from __future__ import annotations

import threading
from collections import OrderedDict


class ByteLRU:
    def __init__(self, entries: int, max_bytes: int):
        self._items: OrderedDict[str, bytes] = OrderedDict()
        self._entries, self._max_bytes, self._bytes = entries, max_bytes, 0
        self._lock = threading.Lock()  # several request threads per worker

    @property
    def max_bytes(self) -> int:
        return self._max_bytes

    def get(self, key: str) -> bytes | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: str, value: bytes) -> None:
        """Keep `value`, dropping the least recently used ones beyond either bound."""
        with self._lock:
            if key in self._items:
                self._bytes -= len(self._items.pop(key))
            self._items[key] = value
            self._bytes += len(value)
            while len(self._items) > self._entries or self._bytes > self._max_bytes:
                self._bytes -= len(self._items.popitem(last=False)[1])

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._items)

    @property
    def bytes(self) -> int:
        return self._bytes
