"""The headless sub-commands; each module registers its own parser (``register(subparsers)``)."""
