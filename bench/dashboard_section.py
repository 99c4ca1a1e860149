#!/usr/bin/env python3
"""The "Dashboard" section of docs/performance.md from bench/report.sh's
docs/performance-data/dashboard.json. bench/report.py renders it with the
rest of the page; run alone (dashboard_section.py JSON MD) it replaces just
that section of MD (or puts it before "## Plot"), so that bench/report.sh
need not rerun the other benchmarks."""
import json
import re
import sys


def met(ok):
    return "met" if ok else "**not met**"


def section(path):
    d = json.load(open(path))
    n = d["identities"]
    return [
        "## Dashboard: report, page and /metrics",
        "",
        f"`bench/report.sh`: {n:,} identities made by `certmint apply` (PEM, a tenth of them"
        " revoked), then `certmint report --html` (median of"
        f" {d['runs']} runs), the page in headless Chromium (filtering its table: the script's"
        " work and the layout it forces, median and slowest of 18 filters, from a single"
        " name to every row), and `certmint serve --admin-listen`'s /metrics scraped"
        f" {d['scrapes']} times over plain HTTP on 127.0.0.1, 20 ms apart (the service measures"
        " the inventory at start, and then every 5 s on a thread of its own while scraped: no"
        " scrape waits for it). Same machine as above, its 2 cores shared with other work.",
        "",
        "| identities | `report --html` | HTML file | page drawn | filter (median / slowest) |"
        " /metrics first | /metrics then (median / slowest) |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        f"| {n:,} | {d['report_seconds']:.2f} s | {d['report_bytes'] / 1e6:.2f} MB |"
        f" {d['page_drawn_seconds']:.2f} s | {d['filter_ms_median']:.0f} / {d['filter_ms_max']:.0f} ms |"
        f" {d['metrics_first_ms']:.1f} ms | {d['metrics_ms_median']:.1f} / {d['metrics_ms_max']:.1f} ms |",
        "",
        f"Targets (issue 24), for {n:,} identities: report under 2 s:"
        f" {d['report_seconds']:.2f} s ({met(d['report_seconds'] < 2)}); file under 5 MB:"
        f" {d['report_bytes'] / 1e6:.2f} MB ({met(d['report_bytes'] < 5e6)}); filtering under"
        f" 200 ms: slowest {d['filter_ms_max']:.0f} ms ({met(d['filter_ms_max'] < 200)});"
        f" /metrics under 50 ms: slowest {max(d['metrics_ms_max'], d['metrics_first_ms']):.1f} ms"
        f" ({met(max(d['metrics_ms_max'], d['metrics_first_ms']) < 50)}).",
        "",
        f"The table lays out the first 500 matching rows; \"Show all\" (all {n:,} rows at once)"
        f" took {d.get('show_all_ms', 0) / 1000:.1f} s.",
        "",
    ]


def splice(md_path, lines):
    text = open(md_path).read()
    block = "\n".join(lines) + "\n"
    pattern = re.compile(r"^## Dashboard: .*?(?=^## )", re.M | re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text)
    else:
        text = text.replace("## Plot\n", block + "## Plot\n", 1)
    open(md_path, "w").write(text)


if __name__ == "__main__":
    splice(sys.argv[2], section(sys.argv[1]))
