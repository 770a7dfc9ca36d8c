#!/usr/bin/env python3
# craft-bundle.py TEMPLATE.diag PAYLOAD.age OUT.diag
#
# For the hostile-payload tests: a bundle made of TEMPLATE's manifest, its
# payload object rewritten for PAYLOAD (a file made with stock tar, gzip and
# age), and PAYLOAD itself, laid out exactly as diag lays out a bundle, so
# that what diag refuses is the payload's content and nothing else.
import hashlib
import os
import re
import sys
import tarfile
from datetime import datetime, timezone

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tarlib import header, pad  # noqa: E402


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
