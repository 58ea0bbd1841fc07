"""``python -m byway.lab up|down|status|exec|shell|scenario|scenarios`` until ``byway lab`` exists."""

from byway.lab.command import main

raise SystemExit(main())
