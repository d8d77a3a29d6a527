from typing import Any

ALL: tuple[str, ...]
UNSAFE: tuple[str, ...]

def __getattr__(name: str) -> Any: ...
