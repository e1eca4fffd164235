"""Lesson 01's calculator in a real kernel, driven over the Jupyter protocol as a front-end would drive it.

A kernel started the way Jupyter Server starts a notebook's kernel (``JPY_SESSION_NAME`` in its
environment) shows the widget; a slider moved by the front-end (a ``comm_msg`` "update") makes
the kernel clear and redraw the tornado in the calculator's output and recompute CLV. A kernel
started the way papermill and nbval start one shows a static PNG and no widget.
"""

from __future__ import annotations

import os
import queue
import time

import pytest
from jupyter_client.manager import start_new_kernel

WIDGET = "application/vnd.jupyter.widget-view+json"
SHOW = """
from clvlib.course import calculator
inputs = calculator.CalculatorInputs(25, 1, 0.4, 0.92, 0.10, 70)
shown = calculator.show_calculator(inputs, "EUR")
"""


def _kernel(session_name: str | None):
    env = {k: v for k, v in os.environ.items() if k != "JPY_SESSION_NAME"}
    if session_name:
        env["JPY_SESSION_NAME"] = session_name
    return start_new_kernel(kernel_name="python3", env=env)


def _run(kc, code: str) -> list[dict]:
    messages: list[dict] = []
    reply = kc.execute_interactive(code, output_hook=messages.append, timeout=120)
    assert reply["content"]["status"] == "ok", reply["content"]
    return messages


def _replies_to(kc, msg_id: str, timeout_s: float = 60) -> list[dict]:
    """iopub messages caused by ``msg_id``, until the kernel is idle again."""
    got, deadline = [], time.time() + timeout_s
    while time.time() < deadline:
        try:
            message = kc.get_iopub_msg(timeout=1)
        except queue.Empty:
            continue
        if message["parent_header"].get("msg_id") == msg_id:
            got.append(message)
            if message["msg_type"] == "status" and message["content"]["execution_state"] == "idle":
                return got
    raise AssertionError(f"the kernel did not answer {msg_id} in {timeout_s} s: {[m['msg_type'] for m in got]}")


@pytest.mark.notebooks
def test_under_jupyter_server_a_moved_slider_redraws_the_tornado():
    km, kc = _kernel("/lab/notebooks/01_clv_basics.ipynb")
    try:
        shown = _run(kc, SHOW)
        assert sum(WIDGET in m["content"].get("data", {}) for m in shown if m["msg_type"] == "display_data") == 1
        sliders = {m["content"]["data"]["state"]["description"]: m["content"]["comm_id"] for m in shown
                   if m["msg_type"] == "comm_open" and m["content"]["data"]["state"].get("_model_name") == "FloatSliderModel"}
        assert len(sliders) == 6, sliders
        move = kc.session.msg("comm_msg", {"comm_id": sliders["monthly churn (as retention)"],
                                           "data": {"method": "update", "state": {"value": 0.95}, "buffer_paths": []}})
        kc.shell_channel.send(move)
        redraw = [m["msg_type"] for m in _replies_to(kc, move["header"]["msg_id"])]
        assert "clear_output" in redraw and "display_data" in redraw, redraw
        printed = _run(kc, "print(f'{shown.figures.clv:.2f}|{shown.ax.get_title()}')")
        text = "".join(m["content"]["text"] for m in printed if m["msg_type"] == "stream")
        clv = sum(10.0 * (0.95 / 1.1 ** (1 / 12)) ** t for t in range(5000))  # the long sum at 95% retention
        assert text.startswith(f"{clv:.2f}|") and f"€{clv:.2f}" in text, text
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


@pytest.mark.notebooks
def test_under_papermill_the_static_tornado_is_a_picture():
    km, kc = _kernel(None)
    try:
        shown = [m["content"].get("data", {}) for m in _run(kc, SHOW) if m["msg_type"] == "display_data"]
        assert [("image/png" in d, WIDGET in d) for d in shown] == [(True, False)], [list(d) for d in shown]
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
