"""Lighthouse SEO score of the map's pages, in Debian's Chromium (target: ≥ 95 on `/`).

    python -m bench.lighthouse_seo [--paths /,/region/14,/embed?region=14] [--out bench-results/lighthouse.json]

Starts the app (curated data) on a free loopback port, runs Lighthouse 12 (npm, exact version in
bench/lighthouse/package-lock.json; `make lighthouse` installs it) with only the SEO category on
each path, prints the score and every audit that is not passed, and writes the figures to a JSON file.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

from bench.server import ROOT, Server

LIGHTHOUSE = ROOT / "bench" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = "/usr/bin/chromium"
TARGET = 95
DEFAULT_PATHS = ("/", "/embed?region=14&level=mrc", "/region/14", "/methodologie")


def audit(url: str) -> dict:
    """The SEO category of one page: {"score": 0–100, "failed": [(audit id, title, display value)]}."""
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", CHROMIUM)}
    completed = subprocess.run(
        [str(LIGHTHOUSE), url, "--only-categories=seo", "--output=json", "--output-path=stdout", "--quiet",
         "--chrome-flags=--headless=new --no-sandbox --disable-gpu"],
        env=env, capture_output=True, text=True, timeout=300, check=True)
    report = json.loads(completed.stdout)
    failed = []
    for ref in report["categories"]["seo"]["auditRefs"]:
        result = report["audits"][ref["id"]]
        if result["score"] is not None and result["score"] < 1 and ref.get("weight", 0) > 0:
            failed.append((ref["id"], result["title"], result.get("displayValue", "")))
    return {"score": round(report["categories"]["seo"]["score"] * 100), "failed": failed}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paths", default=",".join(DEFAULT_PATHS))
    parser.add_argument("--out", type=Path, default=ROOT / "bench-results" / "lighthouse.json")
    args = parser.parse_args(argv)
    if not LIGHTHOUSE.exists():
        print(f"Lighthouse absent ({LIGHTHOUSE}) : lancez « make lighthouse ».", file=sys.stderr)
        return 2
    results = {}
    with Server("app", [sys.executable, "app.py"], {}, ROOT / "bench-results" / "lighthouse-server.log") as server:
        server.wait_first_200("/", timeout=120)
        for path in args.paths.split(","):
            results[path] = audit(server.base_url + path)
            mark = "✓" if results[path]["score"] >= TARGET else "✗"
            print(f"{mark} SEO {results[path]['score']:>3} {path}")
            for audit_id, title, value in results[path]["failed"]:
                print(f"      {audit_id}: {title} {value}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"target": TARGET, "results": results}, ensure_ascii=False, indent=1))
    return 0 if results.get("/", {"score": 0})["score"] >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
