"""Entry of the bundled ``workbench`` executable: the same ``main.main()`` as ``python main.py``."""
from __future__ import annotations

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()  # the GUI runs analyses in a spawned child (ui/workers.py)
    from main import main
    sys.exit(main())
