"""core.memo.Kept: made once per key, the least recently used key dropped past its size."""

import threading

from core.memo import Kept


def test_a_value_is_made_once_per_key_and_served_after():
    kept = Kept(4)
    made = []
    assert kept.get_or_make("a", lambda: made.append("a") or 1) == 1
    assert kept.get_or_make("a", lambda: made.append("again") or 2) == 1
    assert made == ["a"]


def test_the_least_recently_used_key_goes_first_past_the_size():
    kept = Kept(2)
    kept.get_or_make("a", lambda: 1)
    kept.get_or_make("b", lambda: 2)
    kept.get_or_make("a", lambda: 0)  # used again: "b" is now the oldest
    kept.get_or_make("c", lambda: 3)
    assert list(kept) == ["a", "c"] and len(kept) == 2
    kept.clear()
    assert list(kept) == []


def test_threads_share_one_memo_without_growing_past_its_size():
    kept = Kept(8)

    def use(offset: int) -> None:
        for n in range(200):
            key = (n + offset) % 20
            assert kept.get_or_make(key, lambda key=key: key * 10) == key * 10

    threads = [threading.Thread(target=use, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(kept) == 8
