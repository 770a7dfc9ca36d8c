#!/bin/bash
# t5050: diag open --salvage recovers every file that damage did not touch
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-bundle.sh"
. "$(dirname "$0")/lib-media.sh"

WHOLE=$TRASH/whole.diag
cat "$PARTS".[0-9][0-9][0-9] >"$WHOLE"
tar -xOf "$WHOLE" manifest.json >"$TRASH/manifest.json"

# touched K: the files (base names, sorted, one per line) whose compressed
# bytes lie in age chunk K, from the offsets the manifest records.
touched() {
	python3 -c '
import json, sys
m, k = json.load(open(sys.argv[1])), int(sys.argv[2])
lo, hi = k * 65536, (k + 1) * 65536
for f in sorted(f["path"].split("/")[-1] for f in m["files"]
                if f["offset"] < hi and f["offset"] + f["compressed_size"] > lo):
    print(f)' "$TRASH/manifest.json" "$1"
}

# check_recovered DIR LOST...: every file but LOST is in DIR and equal to the
# original, its hash the manifest's; none of LOST is there.
check_recovered() {
	python3 -c '
import hashlib, json, os, sys
manifest, big, d, lost = sys.argv[1], sys.argv[2], sys.argv[3], set(sys.argv[4:])
m = json.load(open(manifest))
found = {n: os.path.join(r, n) for r, _, names in os.walk(d) for n in names}
for i in range(8):
    f = "f%d.log" % i
    if f in lost:
        assert f not in found, f + " should be lost"
        continue
    assert f in found, f + " not recovered"
    data = open(found[f], "rb").read()
    assert data == open(os.path.join(big, f), "rb").read(), f + " differs"
    want = [e["sha256"] for e in m["files"] if e["path"].endswith("/" + f)][0]
    assert hashlib.sha256(data).hexdigest() == want, f + " hash"' \
		"$TRASH/manifest.json" "$BIG" "$@"
}

test_expect_success 'the bundle spans several chunks, and a middle chunk holds parts of several files' '
	test "$(json "$TRASH/manifest.json" "j[\"payload\"][\"compressed_size\"] // 65536")" -ge 4 &&
	test "$(touched 2 | wc -l)" -ge 2
'

test_expect_success 'one damaged chunk in the middle: every other file recovered, the lost ones named, exit 1' '
	cp "$WHOLE" b.diag &&
	flip b.diag $(($(chunk_offset b.diag 2) + 1000)) &&
	test_expect_code 1 diag open b.diag -i "$VENDOR_KEY" -o case --salvage 2>err &&
	touched 2 >lost &&
	check_recovered case $(cat lost) &&
	for f in $(cat lost); do
		grep -q "lost .files/.*/$f.: payload.age chunk 2 is damaged" err || fail "$f not named"
	done &&
	test "$(grep -c "lost " err)" = "$(wc -l <lost)" &&
	grep -q "payload.age chunk 2 is damaged; it holds files/" err &&
	grep -q "salvaged .b.diag. into .case.: $((8 - $(wc -l <lost))) of 8 files recovered" err &&
	cmp case/manifest.json "$TRASH/manifest.json"
'

test_expect_success 'verify -i reports the same damage and what salvage would recover' '
	cp "$WHOLE" b.diag &&
	flip b.diag $(($(chunk_offset b.diag 2) + 1000)) &&
	test_expect_code 5 diag verify b.diag -i "$VENDOR_KEY" 2>err &&
	grep -q "chunk 2 .*is damaged; it holds .*; on the media: offset $(chunk_offset b.diag 2) of .b.diag." err &&
	grep -q "1 of [0-9]* payload chunks are damaged; .diag open --salvage. recovers $((8 - $(touched 2 | wc -l))) of 8 files" err
'

test_expect_success 'two damaged chunks, the first and the last' '
	cp "$WHOLE" b.diag &&
	last=$(( $(json "$TRASH/manifest.json" "(j[\"payload\"][\"compressed_size\"] + 65535) // 65536") - 1 )) &&
	flip b.diag $(($(chunk_offset b.diag 0) + 10)) &&
	flip b.diag $(($(chunk_offset b.diag $last) + 10)) &&
	test_expect_code 1 diag open b.diag -i "$VENDOR_KEY" -o case --salvage 2>err &&
	{ touched 0; touched $last; } | sort -u >lost &&
	check_recovered case $(cat lost)
'

test_expect_success 'an intact bundle salvages whole: exit 0, every file' '
	diag open "$WHOLE" -i "$VENDOR_KEY" -o case --salvage 2>err &&
	check_recovered case &&
	grep -q "8 of 8 files recovered (.*), 0 lost" err
'

test_expect_success 'a missing media part: the files outside it are recovered' '
	cp "$PARTS".[0-9][0-9][0-9] "$PARTS.sha256" . && rm parts.diag.003 &&
	test_expect_code 1 diag open parts.diag.001 -i "$VENDOR_KEY" -o case --salvage 2>err &&
	grep -q "warning: part .*parts.diag.003. is missing" err &&
	c0=$(chunk_offset "$WHOLE" 0) &&
	n=$(json "$TRASH/manifest.json" "(j[\"payload\"][\"compressed_size\"] + 65535) // 65536") &&
	for k in $(seq 0 $((n - 1))); do
		a=$((c0 + k * 65552)) && b=$((a + 65552))
		if [ $b -gt 204800 ] && [ $a -lt 307200 ]; then touched $k; fi
	done | sort -u >lost &&
	test -s lost &&
	check_recovered case $(cat lost) &&
	test "$(grep -c "lost " err)" = "$(wc -l <lost)"
'

test_expect_success 'a damaged payload header is no loss: the payload is where it must be' '
	cp "$WHOLE" b.diag &&
	flip b.diag $(($(member_offset b.diag payload.age) - 400)) &&
	diag open b.diag -i "$VENDOR_KEY" -o case --salvage 2>err &&
	grep -q "taken for payload.age" err &&
	check_recovered case
'

test_expect_success 'nothing to salvage: damaged manifest, damaged age header, wrong key' '
	cp "$WHOLE" b.diag &&
	flip b.diag $(($(member_offset b.diag manifest.json) + 30)) &&
	test_expect_code 5 diag open b.diag -i "$VENDOR_KEY" -o case --salvage 2>err &&
	grep -q "salvage needs manifest.json intact" err &&
	cp "$WHOLE" b.diag &&
	flip b.diag $(($(member_offset b.diag payload.age) + 5)) &&
	test_expect_code 5 diag open b.diag -i "$VENDOR_KEY" -o case --salvage 2>err &&
	grep -q "the age header of payload.age is damaged or missing: nothing can be recovered" err &&
	age-keygen -o other.key 2>/dev/null &&
	test_expect_code 5 diag open "$WHOLE" -i other.key -o case --salvage 2>err &&
	grep -q "no identity matches" err &&
	test ! -e case
'

test_expect_success 'salvage checks the signer; refuses a non-empty directory and a pipe' '
	diag keygen --sign -o k --unencrypted >/dev/null 2>&1 &&
	test_expect_code 5 diag open "$WHOLE" -i "$VENDOR_KEY" -o case --salvage --signer k.pub 2>err &&
	grep -q "signature" err &&
	mkdir full && echo x >full/x &&
	test_expect_code 4 diag open "$WHOLE" -i "$VENDOR_KEY" -o full --salvage 2>err &&
	grep -q "not empty" err &&
	cat "$WHOLE" | test_expect_code 2 diag open - -i "$VENDOR_KEY" -o case --salvage 2>err &&
	grep -q "not a pipe" err &&
	test ! -e case
'

test_done
