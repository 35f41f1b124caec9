"""The optional local-model drafter against a fake Ollama server on 127.0.0.1 (no network)."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator

import numpy as np
import pytest

from engine.narrative.llm import RefusedHost, draft, loopback_target, parse_draft
from engine.options.stage import run_options
from engine.params import OptionsParams
from tests.engine.options_chain import business_days, case, informed_rows, quiet_chain

GOOD = {"explanation": "Heavy call buying before the bid.", "key_concerns": ["volume", "OTM calls"],
        "recommendation": "Review the accounts."}


class FakeOllama(BaseHTTPRequestHandler):
    """Answers like Ollama's /api/generate; ``server.mode`` picks the behaviour."""

    def log_message(self, *args) -> None:  # keep test output clean
        pass

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.requests.append((self.path, body))
        mode = self.server.mode
        if mode == "hang":
            self.server.release.wait(10)     # until the test has seen the client time out
            return
        status, payload = 200, b""
        if mode == "ok":
            payload = json.dumps({"response": json.dumps(GOOD)}).encode()
        elif mode == "chat":
            fenced = "Sure!\n```json\n" + json.dumps(GOOD) + "\n```"
            payload = json.dumps({"message": {"role": "assistant", "content": fenced}}).encode()
        elif mode == "malformed":
            payload = json.dumps({"response": '{"explanation": "cut off", }'}).encode()
        elif mode == "not_json":
            payload = b"<html>oops</html>"
        elif mode == "no_explanation":
            payload = json.dumps({"response": json.dumps({"key_concerns": ["x"]})}).encode()
        else:
            status = 500
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


@pytest.fixture
def server() -> Iterator[ThreadingHTTPServer]:
    srv = ThreadingHTTPServer(("127.0.0.1", 0), FakeOllama)
    srv.daemon_threads = True
    srv.mode, srv.requests, srv.release = "ok", [], threading.Event()
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    yield srv
    srv.release.set()
    srv.shutdown()
    srv.server_close()
    thread.join()


def url(srv: ThreadingHTTPServer) -> str:
    return f"http://127.0.0.1:{srv.server_address[1]}"


def test_good_answer_is_parsed(server) -> None:
    d = draft("prompt text", "tiny-model", url(server), timeout=5)
    assert d.ok and d.error == ""
    assert d.explanation == GOOD["explanation"]
    assert d.key_concerns == ("volume", "OTM calls") and d.recommendation == "Review the accounts."
    path, body = server.requests[0]
    assert path == "/api/generate"
    assert body["model"] == "tiny-model" and body["prompt"] == "prompt text" and body["stream"] is False


def test_chat_style_answer_with_fences_and_chatter(server) -> None:
    server.mode = "chat"
    d = draft("p", "m", url(server) + "/", timeout=5)
    assert d.ok and d.key_concerns == ("volume", "OTM calls")


@pytest.mark.parametrize("mode, words", [("malformed", "not valid JSON"),
                                         ("not_json", "unreadable reply"),
                                         ("no_explanation", "no 'explanation'"),
                                         ("error", "HTTP 500")])
def test_bad_answers_fail_with_a_reason(server, mode: str, words: str) -> None:
    server.mode = mode
    d = draft("p", "m", url(server), timeout=5)
    assert not d.ok and words in d.error and d.explanation == ""


def test_timeout_when_the_server_does_not_answer(server) -> None:
    server.mode = "hang"
    d = draft("p", "m", url(server), timeout=0.2)
    server.release.set()
    assert not d.ok and "did not answer within 0.2 s" in d.error
    assert len(server.requests) == 1


def test_nothing_listening() -> None:
    probe = ThreadingHTTPServer(("127.0.0.1", 0), FakeOllama)
    port = probe.server_address[1]
    probe.server_close()                       # the port is now closed
    d = draft("p", "m", f"http://127.0.0.1:{port}", timeout=2)
    assert not d.ok and "cannot reach" in d.error


@pytest.mark.parametrize("bad", ["http://10.1.2.3:11434", "http://example.com:11434",
                                 "http://127.0.0.1.nip.io", "https://127.0.0.1:11434",
                                 "http://[::ffff:127.0.0.1]:11434", "http://0.0.0.0:11434",
                                 "ftp://localhost/", "http://192.168.1.5"])
def test_non_loopback_hosts_are_refused_without_contact(bad: str) -> None:
    with pytest.raises(RefusedHost):
        loopback_target(bad)
    d = draft("p", "m", bad, timeout=0.01)
    assert not d.ok and ("loopback" in d.error or "http://" in d.error)


def test_loopback_forms_are_accepted() -> None:
    assert loopback_target("http://localhost:11434") == ("127.0.0.1", 11434, "")
    assert loopback_target("http://LOCALHOST:8/x/") == ("127.0.0.1", 8, "/x")
    assert loopback_target("http://127.5.6.7:9") == ("127.5.6.7", 9, "")
    assert loopback_target("http://[::1]:11434") == ("::1", 11434, "")


def test_parse_draft_tolerates_a_single_concern_string() -> None:
    d = parse_draft('{"explanation": "x", "key_concerns": "one", "recommendation": 3}')
    assert d.ok and d.key_concerns == ("one",) and d.recommendation == ""
    assert not parse_draft("[1, 2]").ok and not parse_draft("").ok


def _planted_case():
    days = business_days(80)
    rows = quiet_chain(days) + informed_rows(days[70])
    return case(days, rows, days[74], days[60])


def test_scores_are_identical_with_and_without_the_drafter(server) -> None:
    tables = _planted_case()
    event = tables.event(None)
    off = run_options(tables, event, OptionsParams())
    on = run_options(tables, event, OptionsParams(use_narrative_llm=True, narrative_url=url(server)))
    assert np.array_equal(off.risk, on.risk, equal_nan=True) and np.array_equal(off.p_value, on.p_value, equal_nan=True)
    assert [(a.date, a.risk_score, a.priority, a.reasons) for a in off.alerts] == \
           [(a.date, a.risk_score, a.priority, a.reasons) for a in on.alerts]
    assert off.alerts and all(a.draft_explanation == "" for a in off.alerts)
    assert all(a.draft_explanation == GOOD["explanation"] for a in on.alerts)
    assert [a.explanation for a in on.alerts] == [a.explanation for a in off.alerts]
    assert len(server.requests) == len(on.alerts) and on.llm_failures == 0


def test_failed_drafts_keep_the_template_and_are_reported(server) -> None:
    server.mode = "malformed"
    tables = _planted_case()
    res = run_options(tables, tables.event(None),
                      OptionsParams(use_narrative_llm=True, narrative_url=url(server)))
    assert res.alerts and res.llm_failures == len(res.alerts)
    assert all(a.explanation and a.draft_error and not a.draft_explanation for a in res.alerts)
