"""Optional drafter: asks a LOCAL language model (Ollama-compatible HTTP API) for a
plain-language explanation as JSON {explanation, key_concerns, recommendation}.

Off by default. Only literal loopback addresses are contacted (127.0.0.0/8, ::1, or the name
``localhost``, which is sent to 127.0.0.1 without any name lookup), so case data never leaves
the machine. It never changes a score: a failure (refused host, no server, timeout, HTTP
error, malformed JSON) returns a ``Draft`` with ``ok=False`` and the reason, and callers keep
the deterministic template text. This is the only engine module that speaks HTTP.
"""
from __future__ import annotations

import http.client
import ipaddress
import json
import re
import socket
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from engine.options.alerts import Alert
    from engine.params import OptionsParams
    from engine.tables import Event

MAX_RESPONSE_BYTES = 1_000_000
_FENCE = re.compile(r"^```[a-zA-Z]*\s*|\s*```$")


@dataclass(frozen=True)
class Draft:
    """A local model's draft, or why there is none."""

    ok: bool
    explanation: str = ""
    key_concerns: tuple[str, ...] = ()
    recommendation: str = ""
    error: str = ""


class RefusedHost(ValueError):
    """The drafter URL is not a literal loopback address."""


def loopback_target(url: str) -> tuple[str, int, str]:
    """(host to connect, port, path prefix) of an http URL on loopback; RefusedHost otherwise."""
    parts = urlsplit(url)
    if parts.scheme != "http":
        raise RefusedHost(f"the narrative model URL must start with http:// (got {url!r})")
    host = (parts.hostname or "").lower()
    if host == "localhost":
        connect = "127.0.0.1"
    else:
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            raise RefusedHost(f"the narrative model host {host!r} is not a literal loopback address "
                              "(127.0.0.0/8, ::1 or localhost)") from None
        if not address.is_loopback:
            raise RefusedHost(f"the narrative model host {host!r} is not on this machine (loopback only)")
        connect = str(address)
    try:
        port = parts.port or 80
    except ValueError:
        raise RefusedHost(f"bad port in the narrative model URL {url!r}") from None
    return connect, port, parts.path.rstrip("/")


def parse_draft(text: str) -> Draft:
    """The three fields from a model's answer, tolerating code fences and chatter around it."""
    body = _FENCE.sub("", text.strip())
    start, end = body.find("{"), body.rfind("}")
    if start < 0 or end <= start:
        return Draft(ok=False, error="the model's answer holds no JSON object")
    try:
        data = json.loads(body[start:end + 1])
    except json.JSONDecodeError as exc:
        return Draft(ok=False, error=f"the model's answer is not valid JSON ({exc.msg})")
    if not isinstance(data, dict):
        return Draft(ok=False, error="the model's answer is not a JSON object")
    explanation = data.get("explanation")
    if not isinstance(explanation, str) or not explanation.strip():
        return Draft(ok=False, error="the model's answer has no 'explanation' text")
    concerns = data.get("key_concerns", [])
    if isinstance(concerns, str):
        concerns = [concerns]
    if not isinstance(concerns, list):
        concerns = []
    recommendation = data.get("recommendation", "")
    return Draft(ok=True, explanation=explanation.strip(),
                 key_concerns=tuple(str(c).strip() for c in concerns if str(c).strip()),
                 recommendation=recommendation.strip() if isinstance(recommendation, str) else "")


def _answer_text(payload: Any) -> str:
    """The generated text of an /api/generate or /api/chat reply."""
    if isinstance(payload, dict):
        if isinstance(payload.get("response"), str):
            return payload["response"]
        message = payload.get("message")
        if isinstance(message, dict) and isinstance(message.get("content"), str):
            return message["content"]
    raise ValueError("the server's reply has neither 'response' nor 'message.content'")


def draft(prompt: str, model: str, url: str, timeout: float) -> Draft:
    """Ask the local model at ``url`` (POST /api/generate, no streaming, JSON format)."""
    try:
        host, port, prefix = loopback_target(url)
    except RefusedHost as exc:
        return Draft(ok=False, error=str(exc))
    body = json.dumps({"model": model, "prompt": prompt, "stream": False, "format": "json",
                       "options": {"temperature": 0, "seed": 0}}).encode("utf-8")
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request("POST", f"{prefix}/api/generate", body=body,
                     headers={"Content-Type": "application/json"})
        reply = conn.getresponse()
        raw = reply.read(MAX_RESPONSE_BYTES)
        if reply.status != 200:
            return Draft(ok=False, error=f"the local model server answered HTTP {reply.status}")
        return parse_draft(_answer_text(json.loads(raw.decode("utf-8"))))
    except (socket.timeout, TimeoutError):
        return Draft(ok=False, error=f"the local model did not answer within {timeout:g} s")
    except (OSError, http.client.HTTPException) as exc:
        return Draft(ok=False, error=f"cannot reach the local model at {url}: {exc}")
    except (ValueError, UnicodeDecodeError) as exc:
        return Draft(ok=False, error=f"unreadable reply from the local model: {exc}")
    finally:
        conn.close()


def alert_prompt(alert: "Alert", event: "Event") -> str:
    """The instruction and the facts of one alert, for the model."""
    facts = "\n".join(f"- {r}" for r in alert.reasons)
    return ("You help an insider-trading investigator. Using ONLY the facts below, answer with a "
            "JSON object with keys 'explanation' (plain language, 3-5 sentences), 'key_concerns' "
            "(list of short strings) and 'recommendation' (one sentence). Do not invent numbers.\n"
            f"Stock {event.stock}; price-sensitive event {event.event_id} on "
            f"{event.event_date.isoformat()} ({event.direction} event); reference period from "
            f"{event.reference_start.isoformat()}.\nOptions alert on {alert.date.isoformat()}: "
            f"risk {alert.risk_score:.2f} ({alert.priority}).\nFacts:\n{facts}\n")


def draft_alert(alert: "Alert", event: "Event", params: "OptionsParams") -> Draft:
    """A draft for one options alert with the configured model, URL and timeout."""
    return draft(alert_prompt(alert, event), params.narrative_model, params.narrative_url,
                 params.narrative_timeout_s)
