"""Issue 19: the production shape (`make serve`) walked in a browser through nginx only.

Sign in, support, a live comment seen in a second window over the proxied socket, vote, receipt.
Meanwhile one gunicorn worker and one uvicorn process are SIGKILLed: page requests still succeed
(supervisord and gunicorn's master bring them back; nginx retries an idempotent request once on
the other port), the live page reconnects and catches up on what it missed, nothing is lost. Then
a graceful reload (HUP to gunicorn's master) under a bounded load loses no request, and Ctrl+C
stops everything.
"""

from __future__ import annotations

import os
import re
import secrets
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE
from tests.e2e.helpers import shown
from tests.e2e.journey import button, label, sign_in
from tests.production.conftest import Topology, established_connections, get, stop

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"needs Debian's Chromium at {CHROMIUM}"),
]

SUPPORTS_PROCESS = "Caminos rurales y conectividad"
POLL_TITLE = "Votación: educación intercultural y rural"  # votes.demo.POLL_TITLE
LIVE_MS = 20_000
CARLOS_SOCKETS = 2  # a signed-in proposal page: the debate and the notification badge
ARTIFACTS = Path(__file__).resolve().parents[1] / "e2e" / "artifacts"


def debate(page: Page) -> object:
    return page.get_by_role("region", name=re.compile("^debate", re.I))


def live(page: Page) -> None:
    expect(debate(page).get_by_text(re.compile("^live", re.I)), shown(page)).to_be_visible(timeout=LIVE_MS)


def comment(page: Page, text: str) -> object:
    return debate(page).get_by_role("article").filter(has_text=text)


def ballots_cast(topology: Topology) -> int:
    status, body = get(f"{topology.url}/metrics")
    assert status == 200
    return sum(
        int(float(line.split()[-1]))
        for line in body.decode().splitlines()
        if line.startswith("decide_ballots_cast_total{")
    )


def find_supportable_proposal(page: Page) -> str:
    page.goto("/")
    page.get_by_role("main").get_by_role("link", name=SUPPORTS_PROCESS).click()
    links = page.get_by_role("region", name="Proposals").get_by_role("heading", level=3).get_by_role("link")
    urls = [links.nth(i).get_attribute("href") for i in range(links.count())]
    for url in urls:
        assert url
        page.goto(url)
        if page.get_by_role("button", name=re.compile("support this proposal", re.I)).count():
            return page.url
    raise AssertionError("no proposal of the supports process can be supported" + shown(page))


def test_two_task_workers_share_the_queue_and_only_the_first_runs_the_clock(topology: Topology) -> None:
    """TASK_WORKERS (2 by default): a large event's emails are sent by both; the sweep and digests by one.

    Before the journey, whose end stops the topology."""
    first, second = topology.pid("worker"), topology.pid("worker-2")
    assert first > 0 and second > 0 and first != second
    commands = [Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0") for pid in (first, second)]
    assert b"--no-clock" not in commands[0] and b"--no-clock" in commands[1]


def test_journey_through_nginx_survives_killed_workers_and_a_graceful_reload(topology: Topology) -> None:
    started = time.monotonic()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        contexts = [browser.new_context(base_url=topology.url, locale="en-US", viewport=PHONE) for _ in range(2)]
        for context in contexts:
            context.set_default_timeout(30_000)
        lucia, carlos = (context.new_page() for context in contexts)

        # Sign in and support, through nginx.
        sign_in(lucia, "lucia@demo.decide", "demo-citizen-pass")
        proposal_url = find_supportable_proposal(lucia)
        button(lucia, "support this proposal")
        expect(lucia.get_by_text(re.compile("you support this proposal", re.I)), shown(lucia)).to_be_visible()

        # Both windows on the proposal, live over the proxied socket.
        sign_in(carlos, "carlos@demo.decide", "demo-citizen-pass")
        carlos.goto(proposal_url)
        lucia.goto(proposal_url)
        live(carlos)
        live(lucia)
        carlos.evaluate("() => { window.__sameDocument = true; }")

        # A gunicorn worker dies; the next page requests are answered by the others (and its replacement).
        web_master = topology.pid("web")
        victim = topology.children(web_master)[0]
        os.kill(victim, signal.SIGKILL)
        first = f"Comentario por el proxy {secrets.token_hex(3)}"
        lucia.get_by_label(label("your comment")).fill(first)
        button(lucia, "publish comment")
        expect(comment(lucia, first), shown(lucia)).to_be_visible()
        expect(comment(carlos, first), shown(carlos)).to_be_visible(timeout=LIVE_MS)
        lucia.screenshot(path=str(ARTIFACTS / "production-live-comment-phone.png"), full_page=False)

        # A uvicorn process holding live sockets dies: its viewers reconnect (to the other process or
        # to its replacement) and get what was said while they were away.
        # Lucia closes her window, so the live sockets left are Carlos's: the debate's and his notification
        # badge's (each signed-in page has both), on one uvicorn process or on both. Kill what holds them.
        lucia.close()
        lucia = contexts[0].new_page()
        ports = topology.ws_ports()
        deadline = time.monotonic() + 30
        while sum(established_connections(port) for port in ports) != CARLOS_SOCKETS and time.monotonic() < deadline:
            time.sleep(0.2)
        holding = [port for port in ports if established_connections(port)]
        assert sum(established_connections(port) for port in ports) == CARLOS_SOCKETS, (
            "Carlos's live sockets do not reach uvicorn through nginx"
        )
        for port in holding:
            os.kill(topology.pid(f"ws-{ports.index(port) + 1}"), signal.SIGKILL)
        during = f"Dicho mientras un proceso caía {secrets.token_hex(3)}"
        lucia.goto(proposal_url)  # the poster's form works whatever the sockets do
        lucia.get_by_label(label("your comment")).fill(during)
        button(lucia, "publish comment")
        expect(comment(lucia, during), shown(lucia)).to_be_visible()
        expect(comment(carlos, during), shown(carlos)).to_be_visible(timeout=LIVE_MS)
        expect(comment(carlos, first), shown(carlos)).to_have_count(1)
        assert carlos.evaluate("() => window.__sameDocument === true"), "the viewer reloaded instead of reconnecting"
        live(carlos)
        assert topology.children(topology.pid("web")), "gunicorn did not replace its worker"
        assert victim not in topology.children(topology.pid("web"))

        # Vote and keep the receipt; the count of ballots moves by exactly one.
        before = ballots_cast(topology)
        lucia.goto("/polls/")
        lucia.get_by_role("main").get_by_role("link", name=POLL_TITLE).click()
        lucia.get_by_role("main").get_by_role("link", name=re.compile("^vote$", re.I)).click()
        lucia.get_by_role("main").get_by_role("radio").first.check()
        button(lucia, "review my choices")
        button(lucia, "confirm my vote")
        expect(lucia.get_by_role("heading", level=1), shown(lucia)).to_contain_text(
            re.compile("vote was recorded", re.I)
        )
        receipt = lucia.locator("#receipt-code").inner_text().strip()
        assert len(receipt) >= 8, shown(lucia)
        lucia.screenshot(path=str(ARTIFACTS / "production-receipt-phone.png"), full_page=False)
        assert ballots_cast(topology) == before + 1
        browser.close()

    # A graceful reload of the page workers under a bounded load: every request answered 200.
    def fetch(i: int) -> int:
        return get(f"{topology.url}/polls/?n={i}", timeout=60)[0]

    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = [pool.submit(fetch, i) for i in range(40)]
        time.sleep(0.5)
        os.kill(topology.pid("web"), signal.SIGHUP)
        statuses = [future.result() for future in futures]
    assert statuses == [200] * len(statuses), statuses
    assert get(f"{topology.url}/healthz")[0] == 200

    # The access log and Django's lines share request ids (one JSON line each).
    log = topology.output.text()
    ids = re.findall(r'"logger":"nginx","request_id":"([0-9a-f]{32})"', log)
    assert ids and any(f'"request_id": "{rid}"' in log for rid in ids[-20:])

    seconds = stop(topology)
    assert seconds < 45, f"Ctrl+C took {seconds} s"
    assert topology.process.returncode is not None
    assert not (topology.run_dir / "supervisor.sock").exists() or topology.supervisorctl("status") == ""
    assert time.monotonic() - started < 180, "the walk took more than three minutes"
