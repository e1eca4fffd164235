"""The run\'s ``index.html``: status, links to every notebook, parameters, input checksums, versions."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import yaml


def write_index(run_dir: Path, meta: dict[str, Any]) -> Path:
    """``index.html``: links to every notebook and the run's metadata, plain HTML."""
    esc = html.escape
    status = meta["status"]
    rows = []
    for nb in meta["notebooks"]:
        links = []
        if (run_dir / f"{nb['name']}.html").exists():
            links.append(f'<a href="{esc(nb["name"])}.html">HTML</a>')
        if (run_dir / f"{nb['name']}.pdf").exists():
            links.append(f'<a href="{esc(nb["name"])}.pdf">PDF</a>')
        if (run_dir / f"{nb['name']}.ipynb").exists():
            links.append(f'<a href="{esc(nb["name"])}.ipynb">notebook</a>')
        params = ", ".join(f"{k}={v!r}" for k, v in nb["parameters"].items() if k != "data_source")
        if "data_source" in nb["parameters"]:
            params = ", ".join(filter(None, ["data_source (see below)", params]))
        rows.append(
            f'<tr class="{esc(nb["status"])}"><td>{esc(nb["name"])}{" (executive report)" if nb["hide_code"] else ""}</td>'
            f'<td>{esc(nb["status"])}</td><td class="num">{nb["seconds"]:.1f} s</td>'
            f"<td>{' · '.join(links)}</td><td>{esc(params)}</td>"
            f"<td>{esc(nb['error'])}</td></tr>"
        )
    files = "".join(
        f"<tr><td>{esc(role)}</td><td>{esc(info['path'])}</td><td class='num'>{info['bytes']:,}</td>"
        f"<td><code>{esc(info['sha256'])}</code></td></tr>"
        for role, info in meta["inputs"].items()
    )
    versions = "".join(f"<tr><td>{esc(k)}</td><td>{esc(v)}</td></tr>" for k, v in meta["versions"].items())
    executive = [nb for nb in meta["notebooks"] if nb["hide_code"] and nb["status"] == "ok"]
    lead = ""
    if executive:
        lead = f'<p class="lead">Start with the <a href="{esc(executive[0]["name"])}.html">executive report</a>.</p>'
    banner = (
        '<p class="banner ok">Every notebook ran.</p>'
        if status == "ok"
        else f'<p class="banner failed">FAILED: {esc(meta["reason"])}</p>'
    )
    kernel_log = ""
    if (run_dir / "kernel-stderr.log").exists():
        kernel_log = ' Messages the kernels printed: <a href="kernel-stderr.log">kernel-stderr.log</a>.'
    glossary = ""
    if (run_dir / "glossary.html").exists():
        glossary = ' Every term the course uses: <a href="glossary.html">glossary</a>.'
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>CLV report {esc(meta['run'])}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em auto; max-width: 70em; color: #222; }}
table {{ border-collapse: collapse; margin: 0.5em 0 1.5em; }}
td, th {{ border: 1px solid #ccc; padding: 0.3em 0.6em; text-align: left; vertical-align: top; }}
td.num {{ text-align: right; }} tr.failed td {{ background: #fde2e2; }}
.banner {{ padding: 0.6em 1em; font-weight: bold; }} .banner.ok {{ background: #e3f6e3; }}
.banner.failed {{ background: #fde2e2; }} .lead {{ font-size: 1.2em; }}
pre {{ background: #f6f6f6; padding: 0.8em; overflow-x: auto; }}
</style></head><body>
<h1>Customer Lifetime Value report</h1>
<p>Run <b id="run-id">{esc(meta['run'])}</b> · started {esc(meta['started_utc'])} UTC ·
total time <b id="total-seconds">{meta['seconds']:.1f} s</b> · status <b id="status">{esc(status)}</b></p>
{banner}{lead}
<h2>Notebooks</h2>
<table><tr><th>notebook</th><th>status</th><th>time</th><th>files</th><th>parameters passed</th><th>error</th></tr>
{''.join(rows)}</table>
<h2>Parameters</h2><p>From <code>{esc(meta['params_file'])}</code> (data paths resolved):</p>
<pre>{esc(yaml.safe_dump(meta['parameters'], sort_keys=False) or '{}')}</pre>
<h2>Input files</h2>
<table><tr><th>role</th><th>path</th><th>bytes</th><th>sha256</th></tr>{files}</table>
<h2>Software</h2><table><tr><th>package</th><th>version</th></tr>{versions}</table>
<p>Machine-readable copy: <a href="run.json">run.json</a>.{kernel_log}{glossary}</p>
</body></html>
"""
    path = run_dir / "index.html"
    path.write_text(page, encoding="utf-8")
    return path
