from relboard.cli import main

raise SystemExit(main())
