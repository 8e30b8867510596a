"""A bounded, thread-safe memo: what `make()` gave for a key, kept for the `size` keys used
most recently. For things a process works out once and reuses across requests (rendered
Markdown, compiled queries, form classes); never for anything holding a user's own data.
(nhsuk keeps its own, in nhsuk/form_body.py: the layering lets nhsuk import nothing of core.)"""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from typing import Generic, TypeVar

V = TypeVar("V")


class Kept(Generic[V]):
    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_make(self, key: Hashable, make: Callable[[], V]) -> V:
        """The value kept for `key`, or `make()`'s, kept. `make` runs outside the lock: two
        threads may both make a missing value, and the later one is kept."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = make()
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __getitem__(self, key: Hashable) -> V:
        with self._lock:
            return self._items[key]

    def __iter__(self) -> Iterator[Hashable]:
        with self._lock:
            return iter(list(self._items))

    def values(self) -> list[V]:
        with self._lock:
            return list(self._items.values())

    def __len__(self) -> int:
        return len(self._items)
