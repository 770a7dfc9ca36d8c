# tests/e2e/lib-media.sh - what the media tests (t5040 split, t5050 salvage)
# share; sourced after lib.sh and lib-bundle.sh
#
# Sets BIG, a tree of 8 files of seeded random text (about 60 KiB each,
# 40 KiB compressed), so that a bundle of it spans several 64 KiB age
# chunks and most chunks hold parts of two or three files; and PARTS, the
# base of that tree's bundle split into 100 KiB media parts ($PARTS.001 to
# $PARTS.004, $PARTS.sha256).

BIG=$TRASH/big
python3 -c '
import os, random, sys
random.seed(7)
os.makedirs(sys.argv[1])
for i in range(8):
    with open(os.path.join(sys.argv[1], "f%d.log" % i), "w") as f:
        for j in range(1500):
            f.write("%d %s\n" % (j, "".join(random.choice("abcdefghijklmnopqrstuvwxyz0123456789")
                                           for _ in range(40))))' "$BIG"
PARTS=$TRASH/parts.diag
"$DIAG" collect "$BIG" -r "$VENDOR" -o "$PARTS" --split 100K 2>/dev/null

# sha_of FILE: the SHA-256 of FILE in hex.
sha_of() { sha256sum <"$1" | cut -c1-64; }
# chunk_offset BUNDLE K: the offset of age chunk K of payload.age in the whole bundle
# (the age header ends with "---" and the MAC line, then the 16-byte nonce).
chunk_offset() {
	python3 -c '
import sys, tarfile
path, k = sys.argv[1], int(sys.argv[2])
data = open(path, "rb").read()
with tarfile.open(fileobj=__import__("io").BytesIO(data)) as t:
    off = t.getmember("payload.age").offset_data
i = data.index(b"\n---", off)
print(data.index(b"\n", i + 1) + 1 + 16 + k * 65552)' "$1" "$2"
}
