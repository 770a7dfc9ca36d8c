#!/usr/bin/env python3
# retar.py IN.diag OUT.diag [-NAME]... [NAME=FILE]...
#
# For the signature tamper tests: rewrite a bundle's outer tar member by
# member, exactly as diag lays it out (same mtime, same headers), leaving
# out members (-NAME), replacing one's content (NAME=FILE), or adding one
# after manifest.json (NAME=FILE for a member IN lacks). What diag then
# refuses is the change, never the tar around it.
import os
import sys
import tarfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tarlib import member, end  # noqa: E402

src, out = sys.argv[1:3]
drop = {a[1:] for a in sys.argv[3:] if a.startswith("-")}
put = dict(a.split("=", 1) for a in sys.argv[3:] if "=" in a)
with tarfile.open(src) as t:
    members = [(m.name, t.extractfile(m).read(), m.mtime) for m in t.getmembers()]
mtime = members[0][2]
names = [n for n, _, _ in members]
for name in put:
    if name not in names:
        members.insert(1, (name, b"", mtime))
with open(out, "wb") as f:
    for name, data, mt in members:
        if name in drop:
            continue
        if name in put:
            data = open(put[name], "rb").read()
        f.write(member(name, data, mt))
    f.write(end())
