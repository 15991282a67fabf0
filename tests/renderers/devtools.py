"""A minimal Chrome DevTools-protocol client for tests: headless Chromium driven over
``--remote-debugging-pipe`` (JSON messages ending in a NUL byte on file descriptors 3
and 4), so a page's live DOM can be read after its scripts ran, with no client library."""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--window-size=1400,900", "--remote-debugging-pipe"]


class Browser:
    """``with Browser(profile) as b: page = b.open(url); b.evaluate(page, "1 + 1")``."""

    def __init__(self, profile: Path, chromium: str = "chromium") -> None:
        to_chromium, self._write_end = os.pipe()
        self._read_end, from_chromium = os.pipe()

        def wire() -> None:  # in the child: its fd 3 reads our messages, fd 4 answers
            os.dup2(to_chromium, 3)
            os.dup2(from_chromium, 4)

        self._proc = subprocess.Popen(
            [chromium, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
            pass_fds=(3, 4), preexec_fn=wire, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        os.close(to_chromium)
        os.close(from_chromium)
        self._buffer = b""
        self._id = 0

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc) -> None:
        self._proc.kill()
        self._proc.wait(timeout=30)
        os.close(self._write_end)
        os.close(self._read_end)

    def send(self, method: str, params: dict | None = None, session: str | None = None,
             ) -> dict:
        """Send one command and return its result (events in between are dropped);
        RuntimeError for a protocol error."""
        self._id += 1
        message = {"id": self._id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._write_end, json.dumps(message).encode() + b"\0")
        while True:
            while b"\0" not in self._buffer:
                chunk = os.read(self._read_end, 1 << 16)
                if not chunk:
                    raise RuntimeError(f"chromium closed the pipe during {method}")
                self._buffer += chunk
            line, self._buffer = self._buffer.split(b"\0", 1)
            answer = json.loads(line)
            if answer.get("id") == self._id:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                return answer["result"]

    def open(self, url: str) -> str:
        """A new tab at ``url``; returns the session to evaluate in."""
        target = self.send("Target.createTarget", {"url": url})["targetId"]
        return self.send("Target.attachToTarget", {"targetId": target,
                                                   "flatten": True})["sessionId"]

    def evaluate(self, session: str, expression: str):
        """The value of a JavaScript expression in the page."""
        result = self.send("Runtime.evaluate", {"expression": expression,
                                                "returnByValue": True}, session)
        return result["result"].get("value")

    def wait_for_text(self, session: str, needle: str, timeout: float = 60.0) -> str:
        """The page's visible text once it contains ``needle`` (TimeoutError else)."""
        deadline = time.monotonic() + timeout
        while True:
            text = self.evaluate(session, "document.body ? document.body.innerText : ''")
            if text and needle in text:
                return text
            if time.monotonic() > deadline:
                raise TimeoutError(f"{needle!r} never appeared; the page shows "
                                   f"{(text or '')[:2000]!r}")
            time.sleep(0.5)
