"""A small thread-safe least-recently-used memo, for what a process keeps of its own."""

import threading
from collections import OrderedDict


class LRU:
    """At most ``size`` entries; ``get`` gives None for a key it does not have."""

    def __init__(self, size):
        self._entries, self._size, self._lock = OrderedDict(), size, threading.Lock()

    def get(self, key):
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        return None

    def put(self, key, value):
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)

    def clear(self):
        with self._lock:
            self._entries.clear()
