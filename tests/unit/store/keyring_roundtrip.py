"""Run inside a private D-Bus session by test_store_keyring.py; prints one JSON line of results.

Not a test module itself: it is imported (harmlessly) by doctest collection, hence the main guard.
"""

from __future__ import annotations

import json
import sys


def main() -> None:
    from byway.store import KeyringUnavailable, new_secret_id, open_keyring_store

    secret = sys.argv[1]
    try:
        store = open_keyring_store()
    except KeyringUnavailable as error:
        print(json.dumps({"unavailable": error.problem.value, "message": error.message}))
        return
    secret_id = new_secret_id("custom-bridges")
    store.set(secret_id, secret)
    got = store.get(secret_id)
    listed = list(store.list_ids())
    store.delete(secret_id)
    after = store.get(secret_id)
    print(
        json.dumps(
            {
                "backend": store.backend_name,
                "round_trip": got == secret,
                "listed": secret_id in listed,
                "deleted": after is None,
                "left": list(store.list_ids()),
            }
        )
    )


if __name__ == "__main__":
    main()
