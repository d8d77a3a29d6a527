"""ASGI entry point: HTTP through Django, WebSockets through Channels' router."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "decide.settings.production")
# Django must be set up before the routing imports consumers (and so models).
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from accounts.second_factor import SocketSecondFactorGuard  # noqa: E402
from decide.live.fanout import with_server_send  # noqa: E402
from decide.live.origin import SameOriginValidator  # noqa: E402
from decide.metrics import count_open_sockets  # noqa: E402
from decide.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": count_open_sockets(
            with_server_send(
                SameOriginValidator(
                    AllowedHostsOriginValidator(
                        AuthMiddlewareStack(SocketSecondFactorGuard(URLRouter(websocket_urlpatterns)))
                    )
                )
            )
        ),
    }
)
