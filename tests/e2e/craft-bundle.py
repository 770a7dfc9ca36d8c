#!/usr/bin/env python3
# craft-bundle.py TEMPLATE.diag PAYLOAD.age OUT.diag
#
# For the hostile-payload tests: a bundle made of TEMPLATE's manifest, its
# payload object rewritten for PAYLOAD (a file made with stock tar, gzip and
# age), and PAYLOAD itself, laid out exactly as diag lays out a bundle, so
# that what diag refuses is the payload's content and nothing else.
import hashlib
import re
import sys
import tarfile
from datetime import datetime, timezone


def header(name, size, mtime):
    h = bytearray(512)
    h[0:len(name)] = name.encode()
    h[100:108] = b"0000644\0"
    h[108:116] = b"0000000\0"
    h[116:124] = b"0000000\0"
    h[124:136] = b"%011o\0" % size
    h[136:148] = b"%011o\0" % mtime
    h[156:157] = b"0"
    h[257:265] = b"ustar\x0000"
    h[329:337] = b"0000000\0"
    h[337:345] = b"0000000\0"
    h[148:156] = b" " * 8
    h[148:156] = b"%06o\0 " % sum(h)
    return bytes(h)


def pad(n):
    return b"\0" * (-n % 512)


template, payload_path, out = sys.argv[1:4]
with tarfile.open(template) as t:
    manifest = t.extractfile("manifest.json").read().decode()
payload = open(payload_path, "rb").read()
m = re.search(r'"offset": (\d+), "compressed_size": (\d+)\}\n  \]', manifest)
end = int(m.group(1)) + int(m.group(2)) if m else 0
cs = min(len(payload), max(end + 1, len(payload) - 300))
manifest = re.sub(r'"payload": \{[^}]*\}',
                  '"payload": {"size": %d, "compressed_size": %d, "sha256": "%s"}'
                  % (len(payload), cs, hashlib.sha256(payload).hexdigest()), manifest).encode()
created = re.search(r'"created": "([^"]*)"', manifest.decode()).group(1)
mtime = int(datetime.strptime(created, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc).timestamp())
with open(out, "wb") as f:
    f.write(header("manifest.json", len(manifest), mtime) + manifest + pad(len(manifest)))
    f.write(header("payload.age", len(payload), mtime) + payload + pad(len(payload)))
    f.write(b"\0" * 1024)
