import sys

from mmoauth_gui.cli import main

sys.exit(main())
