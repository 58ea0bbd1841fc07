"""Real protocol servers: the censorship lab's "world" and the test suite's traffic sources.

(Fuller description of the room is written once all servers are in; see the modules.)
"""
