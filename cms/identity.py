"""The site's identity (name, tagline, logo, colours) as pages read it: one cached dict, zero queries warm.

Colours obey WCAG 2.x AA whatever an administrator picks: the primary and accent colours carry white
text (buttons, badges) and are used as text on white (links), so each must reach 4.5:1 against white;
the settings form refuses one that does not (cms.models.SiteIdentity.clean). Dark mode cannot use the
same colour as text on a dark background, so a lighter tint is derived here until it reaches 4.5:1
against the dark background: adjusted, never refused.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass
from typing import Any

from django.core.cache import cache
from django.db import DatabaseError

from decide.database import database_unreachable

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
AA_NORMAL_TEXT = 4.5
WHITE = "#ffffff"
DARK_BACKGROUND = "#232930"  # site.css's lightest dark surface (--soft): text on it reads on the darker ones too
DEFAULT_NAME = "Decide"
DEFAULT_PRIMARY = "#0b5cad"
DEFAULT_ACCENT = "#8a4b00"
CACHE_KEY = "cms:identity:v1"
CACHE_SECONDS = 24 * 3600  # a backstop: saving the settings deletes the key
LOGO_FILTER = "height-96|format-png"
FAVICON_FILTER = "fill-64x64|format-png"
SOCIAL_FILTER = "max-1200x630|format-png"


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.03928 else float(((c + 0.055) / 1.055) ** 2.4)


def relative_luminance(colour: str) -> float:
    """WCAG 2.x relative luminance of a #rrggbb colour."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(first: str, second: str) -> float:
    """WCAG contrast ratio, 1 (same) to 21 (black on white)."""
    light, dark = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def mix(colour: str, other: str, share: float) -> str:
    """`colour` moved `share` (0..1) of the way towards `other`."""
    a = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    b = [int(other[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * share):02x}" for x, y in zip(a, b, strict=True))


def readable_on(colour: str, background: str) -> str:
    """`colour`, tinted towards white or black in small steps until it reads at AA on `background`."""
    towards = WHITE if relative_luminance(background) < 0.5 else "#000000"
    for step in range(21):
        candidate = mix(colour, towards, step / 20)
        if contrast_ratio(candidate, background) >= AA_NORMAL_TEXT:
            return candidate
    return towards


@dataclass(frozen=True)
class Identity:
    name: str = DEFAULT_NAME
    tagline: str = ""
    primary: str = DEFAULT_PRIMARY
    accent: str = DEFAULT_ACCENT
    logo_url: str = ""
    logo_width: int = 0
    logo_height: int = 0
    favicon_url: str = ""
    social_image_url: str = ""

    @property
    def primary_dark(self) -> str:
        """Hover colour: darker still, so white text keeps its contrast."""
        return mix(self.primary, "#000000", 0.25)

    @property
    def primary_on_dark(self) -> str:
        return readable_on(self.primary, DARK_BACKGROUND)

    @property
    def accent_on_dark(self) -> str:
        return readable_on(self.accent, DARK_BACKGROUND)

    @property
    def version(self) -> str:
        """Changes whenever the colours do: the stylesheet URL carries it, so browsers may cache it a year."""
        return hashlib.sha256(f"{self.primary}{self.accent}".encode()).hexdigest()[:10]

    def stylesheet(self) -> str:
        return (
            f":root{{--brand:{self.primary};--brand-dark:{self.primary_dark};--accent:{self.accent};}}\n"
            "@media (prefers-color-scheme: dark){:root{"
            f"--link:{self.primary_on_dark};--accent-text:{self.accent_on_dark};}}}}\n"
        )


def _from_settings() -> Identity:
    from .models import SiteIdentity

    row = SiteIdentity.objects.select_related("logo").first()
    if row is None:
        return Identity()
    values: dict[str, Any] = {
        "name": row.site_name or DEFAULT_NAME,
        "tagline": row.tagline,
        "primary": row.primary_colour or DEFAULT_PRIMARY,
        "accent": row.accent_colour or DEFAULT_ACCENT,
    }
    if row.logo is not None:
        logo = row.logo.get_rendition(LOGO_FILTER)
        values.update(
            logo_url=logo.url,
            logo_width=logo.width,
            logo_height=logo.height,
            favicon_url=row.logo.get_rendition(FAVICON_FILTER).url,
            social_image_url=row.logo.get_rendition(SOCIAL_FILTER).url,
        )
    return Identity(**values)


def current_identity() -> Identity:
    """The identity every page shows: from the cache, else one query (and renditions made once).

    A page whose settings cannot be read (an empty database, a table not migrated yet: the 413 page of a
    bare gunicorn) renders with the built-in identity, never a 500. A database that does not answer is
    not waited for twice: that error goes on to the 503 page that names it (decide.views.server_error).
    The cache needs no guard: decide.cache degrades a failing Redis to misses.
    """
    cached = cache.get(CACHE_KEY)
    if isinstance(cached, dict):
        try:
            return Identity(**cached)
        except TypeError:  # a dict from an older shape of Identity
            pass
    try:
        identity = _from_settings()
    except DatabaseError as failed:
        if database_unreachable(failed):
            raise
        return Identity()  # not cached: the stored identity shows as soon as it can be read
    cache.set(CACHE_KEY, asdict(identity), CACHE_SECONDS)
    return identity


def forget_identity(**_: Any) -> None:
    """Saving the settings (or a logo) drops the cached identity; the next page reads it afresh."""
    cache.delete(CACHE_KEY)
