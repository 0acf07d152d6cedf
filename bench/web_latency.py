"""Web editor: time from a save to the updated preview, whole requests against a running server.

    python bench/web_latency.py [--n 40] [--data data]

Starts `zi-docgen serve --no-browser` as its own process on 127.0.0.1 (on a
scratch copy of the data folder, not a git repository, so no commit is made),
then times complete HTTP round trips from the client's side:

* save, one office: POST of a changed Menimbang for KPU Kabupaten Sambas, "this
  office only" (validate the resulting data set, write the office's patch
  atomically, resolve, render the preview HTML): the answer is the updated preview;
* save, every office: the same on the shared text (common/keputusan.yaml), which
  validates the offices that can read it differently;
* save a chapter title, one office: the same for a title of the Lampiran (the answer is
  the Lampiran's preview, the longer page);
* preview only: GET of the preview fragment (resolve + HTML), for reference.

The goal (issue 14) is a median of at most 150 ms for one office.
"""
from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Client:
    def __init__(self, port: int):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None, headers: dict | None = None):
        h = dict(headers or {})
        if self.cookies:
            h["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            h["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, path, body=body, headers=h)
        r = self.conn.getresponse()
        data = r.read().decode("utf-8", "replace")
        for k, v in r.getheaders():
            if k.lower() == "set-cookie":
                name, _, rest = v.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return r.status, data


def wait_up(port: int, proc: subprocess.Popen) -> None:
    for _ in range(600):
        if proc.poll() is not None:
            sys.exit(f"the server stopped: {proc.stdout.read() if proc.stdout else ''}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    sys.exit("the server did not start")


def stats(xs: list[float]) -> str:
    xs = sorted(xs)
    p90 = xs[int(0.9 * (len(xs) - 1))]
    return f"median {statistics.median(xs) * 1000:.0f} ms, p90 {p90 * 1000:.0f} ms, min {xs[0] * 1000:.0f} ms (n={len(xs)})"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=40, help="saves per row")
    ap.add_argument("--data", type=Path, default=ROOT / "data")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="zi-docgen-bench-web-"))
    data = tmp / "data"
    shutil.copytree(args.data, data)
    port = free_port()
    exe = shutil.which("zi-docgen") or sys.executable
    cmd = ([exe] if exe.endswith("zi-docgen") else [exe, "-m", "zi_docgen"]) + [
        "serve", "--no-browser", "--port", str(port), "--data", str(data), "--templates", str(ROOT / "templates")]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, "ZI_DOCGEN_LANG": "id"})
    try:
        wait_up(port, proc)
        c = Client(port)
        status, page = c.request("GET", "/doc/2026/kab-sambas")
        assert status == 200, status
        token = re.search(r'"X-CSRF-Token": "([^"]+)"', page).group(1)

        def save(office: str, scope: str, i: int) -> float:
            text = (f"bahwa untuk mewujudkan Zona Integritas di Lingkungan {{{{ office.name }}}}, perlu disusun "
                    f"Rencana Kerja sebagai acuan pelaksanaan tugas Tim, versi {i};")
            t0 = time.perf_counter()
            status, body = c.request("POST", f"/doc/2026/{office}/item/acuan-tim", form={
                "csrf": token, "field": "text", "scope": scope, "part": "keputusan", "text": text},
                headers={"HX-Request": "true"})
            dt = time.perf_counter() - t0
            assert status == 200 and f"versi {i};" in body, (status, body[:500])
            return dt

        def save_title(i: int) -> float:
            # A chapter title in the Lampiran, this office only: the answer is the Lampiran's preview.
            t0 = time.perf_counter()
            status, body = c.request("POST", "/doc/2026/kab-sambas/item/pendahuluan", form={
                "csrf": token, "fields": "title", "scope": "office", "part": "lampiran",
                "title": f"Pendahuluan versi {i}"}, headers={"HX-Request": "true"})
            dt = time.perf_counter() - t0
            assert status == 200 and f"PENDAHULUAN VERSI {i}" in body, (status, body[:500])
            return dt

        def preview(office: str) -> float:
            t0 = time.perf_counter()
            status, body = c.request("GET", f"/doc/2026/{office}/preview?part=keputusan",
                                     headers={"HX-Request": "true"})
            dt = time.perf_counter() - t0
            assert status == 200 and "Menimbang" in body
            return dt

        for i in range(3):  # warm up: first resolve, templates, caches
            save("kab-sambas", "office", 1000 + i)
            preview("kab-sambas")
        save_title(1000)
        rows = {"save, one office (kab-sambas, this office only)": [], "save, every office (shared text)": [],
                "save a chapter title, one office (Lampiran)": [], "preview only (GET, kab-sambas)": []}
        keys = list(rows)
        for i in range(args.n):  # interleaved, so that machine noise hits every row alike
            rows[keys[0]].append(save("kab-sambas", "office", i))
            rows[keys[1]].append(save("prov-kalbar", "shared", i))
            rows[keys[2]].append(save_title(i))
            rows[keys[3]].append(preview("kab-sambas"))
        print(f"web editor latency, whole HTTP requests to `zi-docgen serve` on 127.0.0.1 (n={args.n} each)")
        for k, xs in rows.items():
            print(f"  {k:52s} {stats(xs)}")
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
