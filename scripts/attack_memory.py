#!/usr/bin/env python3
"""Peak memory of `duban serve --demo` under the attacks of the hardening issue, one fresh server each.

    python3 scripts/attack_memory.py target/release/duban

For each attack it starts the server on a new SQLite file, waits for the demo, records the resident size,
runs the attack on loopback, and prints the server's peak resident size (VmHWM) and whether it is still
answering. Standard library only. The attacks:

  1. far-cell    a unit's own offline sheet with a value in XFD1048576, uploaded 4 times at once
  3. lying-zip   two .xlsx at once whose sheet inflates to 1 GiB while the headers declare 4 KB
  4. long-names  20 sign-ins with 30 MB user names
  5. argon2      64 sign-ins at once with random names
"""

import io
import json
import os
import random
import socket
import string
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import zipfile
import zlib

LIMIT_MB = 500


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def rss_kb(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def request(url, data=None, token=None, method=None, timeout=120):
    req = urllib.request.Request(url, data=data, method=method)
    if token:
        req.add_header("Authorization", "Bearer " + token)
    if data is not None and not isinstance(data, bytes):
        raise TypeError
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
    except (urllib.error.URLError, ConnectionError, socket.timeout) as e:
        return 0, str(e).encode()


def login(base, user, password="demo"):
    body = json.dumps({"username": user, "password": password, "kind": "api"}).encode()
    st, out = request(base + "/api/v1/login", body)
    if st != 200:
        raise SystemExit(f"login {user}: {st} {out[:200]!r}")
    return json.loads(out)["token"]


def rewrite(xlsx, part, edit):
    zin = zipfile.ZipFile(io.BytesIO(xlsx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == part:
                data = edit(data.decode()).encode()
            zout.writestr(info.filename, data)
    return out.getvalue()


def lying_bomb(gib=1):
    """An .xlsx whose sheet inflates to `gib` GiB of whitespace, every declared size patched to 4096."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        z.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
        with z.open("xl/worksheets/sheet1.xml", "w") as f:
            f.write(b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            chunk = b" " * (16 * 1024 * 1024)
            for _ in range(gib * 64):
                f.write(chunk)
            f.write(b"</sheetData></worksheet>")
    data = bytearray(out.getvalue())
    for i in range(len(data) - 30):
        if data[i:i + 4] == b"PK\x03\x04":
            data[i + 22:i + 26] = (4096).to_bytes(4, "little")
        elif data[i:i + 4] == b"PK\x01\x02":
            data[i + 24:i + 28] = (4096).to_bytes(4, "little")
    return bytes(data)


def at_once(jobs):
    results = [None] * len(jobs)

    def run(i, job):
        results[i] = job()

    threads = [threading.Thread(target=run, args=(i, j)) for i, j in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def attack_far_cell(base):
    office = login(base, "office")
    st, users = request(base + "/api/v1/users", token=office)
    rep = next(u for u in json.loads(users) if u["role"] == "reporter")
    token = login(base, rep["username"])
    st, periods = request(base + "/api/v1/plans/1/periods", token=token)
    period = [p for p in json.loads(periods)][-2]["key"]
    st, sheet = request(base + f"/api/v1/plans/1/report-sheet.xlsx?period={period}", token=token)
    assert st == 200, (st, sheet[:200])
    far = rewrite(sheet, "xl/worksheets/sheet1.xml", lambda x: x.replace(
        "</sheetData>", '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'))
    url = base + "/api/v1/plans/1/report-sheet"
    return at_once([lambda: request(url, far, token) for _ in range(4)])


def attack_lying_zip(base):
    office = login(base, "office")
    bomb = lying_bomb(1)
    url = base + "/api/v1/plans?name=bomb.xlsx"
    return at_once([lambda: request(url, bomb, office) for _ in range(2)])


def attack_long_names(base):
    name = "a" * (30 * 1024 * 1024)
    body = json.dumps({"username": name, "password": "x"}).encode()
    url = base + "/api/v1/login"
    return [request(url, body) for _ in range(20)]


def attack_argon2(base):
    def one():
        name = "".join(random.choice(string.ascii_lowercase) for _ in range(12))
        return request(base + "/api/v1/login", json.dumps({"username": name, "password": "x"}).encode())
    return at_once([one for _ in range(64)])


ATTACKS = [
    ("1 far-cell", attack_far_cell),
    ("3 lying-zip", attack_lying_zip),
    ("4 long-names", attack_long_names),
    ("5 argon2", attack_argon2),
]


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    binary = os.path.abspath(sys.argv[1])
    worst = 0
    print(f"{'attack':14} {'before MB':>10} {'peak MB':>8}  answers")
    for name, attack in ATTACKS:
        with tempfile.TemporaryDirectory() as tmp:
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            env = dict(os.environ, DUBAN_LOG="warn")
            proc = subprocess.Popen(
                [binary, "serve", "--demo", "--bind", f"127.0.0.1:{port}", "--database", os.path.join(tmp, "d.db")],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=tmp)
            try:
                for _ in range(600):
                    if request(base + "/healthz", timeout=2)[0] == 200:
                        break
                    time.sleep(0.2)
                else:
                    raise SystemExit("the server did not start")
                login(base, "office")
                before = rss_kb(proc.pid, "VmRSS")
                answers = attack(base)
                alive = request(base + "/healthz", timeout=10)[0] == 200
                peak = rss_kb(proc.pid, "VmHWM")
                counts = {}
                for st, _ in answers:
                    counts[st] = counts.get(st, 0) + 1
                worst = max(worst, peak)
                print(f"{name:14} {before / 1024:10.0f} {peak / 1024:8.0f}  {counts} {'alive' if alive else 'DOWN'}")
                if not alive:
                    worst = 10 ** 9
            finally:
                proc.terminate()
                proc.wait(timeout=30)
    ok = worst / 1024 < LIMIT_MB
    print(f"worst peak {worst / 1024:.0f} MB (limit {LIMIT_MB} MB): {'ok' if ok else 'OVER'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
