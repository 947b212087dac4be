"""``python -m coherence_tui`` runs the command line."""

from coherence_tui.cli import main

raise SystemExit(main())
