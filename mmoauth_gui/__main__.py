import sys

from mmoauth_gui.cli.main import main

sys.exit(main())
