# tests/e2e/lib-bundle.sh - what the bundle tests (t1050, t3000, t41xx, t90xx) share; sourced after lib.sh
#
# Sets TREE (the fixture tree with planted secrets), CANARIES (the planted
# values, one per line), VENDOR_KEY and VENDOR (a throwaway key pair made by
# the stock age-keygen) and BUNDLE (a bundle of TREE sealed to VENDOR, made
# once per script: tests copy it before damaging it).

TREE=$FIXTURES/bundle/tree
CANARIES=$FIXTURES/bundle/canaries.txt
VENDOR_KEY=$TRASH/vendor.key
age-keygen -o "$VENDOR_KEY" 2>/dev/null
VENDOR=$(age-keygen -y "$VENDOR_KEY")
BUNDLE=$TRASH/site.diag
"$DIAG" collect "$TREE" -r "$VENDOR" -o "$BUNDLE" 2>/dev/null

# json FILE EXPR: print a Python expression over the JSON document in FILE (as j).
json() { python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print($2)" "$1"; }

# flip FILE OFFSET: xor the byte at OFFSET with 0x01.
flip() {
	python3 -c '
import sys
p, off = sys.argv[1], int(sys.argv[2])
with open(p, "r+b") as f:
    f.seek(off); b = f.read(1); f.seek(off); f.write(bytes([b[0] ^ 1]))' "$1" "$2"
}

# member_offset BUNDLE NAME: the offset of member NAME's data in the outer tar.
member_offset() {
	python3 -c '
import sys, tarfile
with tarfile.open(sys.argv[1]) as t:
    print(t.getmember(sys.argv[2]).offset_data)' "$1" "$2"
}
