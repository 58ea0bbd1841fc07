from byway.cli import main

raise SystemExit(main())
