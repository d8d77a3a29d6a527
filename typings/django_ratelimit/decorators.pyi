from collections.abc import Callable, Iterable
from typing import Any, TypeVar

_F = TypeVar("_F", bound=Callable[..., Any])

def ratelimit(
    group: str | None = ...,
    key: str | Callable[..., str] | None = ...,
    rate: str | Callable[..., str] | None = ...,
    method: str | Iterable[str] | None = ...,
    block: bool = ...,
) -> Callable[[_F], _F]: ...
