"""The command line: parsing and exit codes (``main``), the commands that read the web (``web_commands``) and the
commands that read an archive folder (``folder_commands``).

May import every other subpackage; nothing imports it but ``confarchive.__main__`` and the console script.
"""

from .main import main

__all__ = ["main"]
