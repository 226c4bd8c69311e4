"""A least-recently-used cache bounded by the bytes it holds, not by its number of entries.

Caches of a server keyed by what clients send must not grow with what clients send: a bound on
entries lets 1,024 large entries hold gigabytes. :class:`ByteBoundedCache` charges every entry
its estimated size (:func:`approximate_size`) and evicts the least recently used ones until the
total is under ``max_bytes``; an entry larger than a quarter of the budget is not kept at all.
"""

from __future__ import annotations

import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from types import MappingProxyType
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


def approximate_size(value: object, *, limit: int = 1_000_000) -> int:
    """Bytes held by ``value`` and what it refers to (containers, dataclasses, slots), counted
    once per object and visiting at most ``limit`` objects (beyond that the count is a lower
    bound, which still grows with the value)."""
    seen: set[int] = set()
    stack: list[object] = [value]
    total = 0
    visited = 0
    while stack and visited < limit:
        item = stack.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        visited += 1
        total += sys.getsizeof(item)
        if isinstance(item, str | bytes | bytearray | int | float | bool | type(None)):
            continue
        if isinstance(item, dict | MappingProxyType):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple | set | frozenset):
            stack.extend(item)
        else:
            fields = getattr(item, "__dict__", None)
            if isinstance(fields, dict):
                stack.extend(fields.values())
            for slot in getattr(type(item), "__slots__", ()):
                if hasattr(item, slot):
                    stack.append(getattr(item, slot))
    return total


class ByteBoundedCache(Generic[K, V]):
    """Thread-safe LRU mapping that keeps the total estimated size under ``max_bytes``."""

    def __init__(self, max_bytes: int, *, size: Callable[[K, V], int] | None = None) -> None:
        if max_bytes <= 0:
            raise ValueError(f"max_bytes must be positive, not {max_bytes!r}")
        self.max_bytes = max_bytes
        self._size = size or (lambda key, value: approximate_size((key, value)))
        self._items: OrderedDict[K, tuple[V, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        """The value for ``key`` (marked as recently used), or None."""
        with self._lock:
            entry = self._items.get(key)
            if entry is None:
                return None
            self._items.move_to_end(key)
            return entry[0]

    def put(self, key: K, value: V) -> None:
        """Keep ``value`` under ``key`` unless it alone takes over a quarter of the budget."""
        cost = self._size(key, value)
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            if cost > self.max_bytes // 4:
                return
            self._items[key] = (value, cost)
            self._bytes += cost
            while self._bytes > self.max_bytes and self._items:
                _, (_, freed) = self._items.popitem(last=False)
                self._bytes -= freed

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self._items.clear()
            self._bytes = 0

    @property
    def nbytes(self) -> int:
        """Estimated bytes held now."""
        return self._bytes

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: object) -> bool:
        return key in self._items


__all__ = ["ByteBoundedCache", "approximate_size"]
