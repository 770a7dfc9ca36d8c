#!/bin/bash
# t9010: hostile payloads, made with stock tar, gzip and age and wrapped as a
# bundle whose manifest lists two files, are refused with a clear message and
# without writing anything, inside the destination or outside it
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-bundle.sh"

# The template: a bundle of src/ = {a.txt, b.txt}; the payload's names are under $P.
mkdir "$TRASH/src" && echo aaa >"$TRASH/src/a.txt" && echo bbbb >"$TRASH/src/b.txt"
touch -d @1700000000 "$TRASH/src/a.txt" "$TRASH/src/b.txt"
"$DIAG" collect "$TRASH/src" -r "$VENDOR" -o "$TRASH/template.diag" 2>/dev/null
P=files$TRASH/src
# Stock tar writes exactly the headers diag writes with these options, so
# that the benign members pass and the hostile one is what gets refused.
TAR="tar --format=ustar --owner=0 --group=0 --numeric-owner --mode=0600 --mtime=@1700000000"
# The template's sealed manifest: the last member of a payload that would open.
"$DIAG" open "$TRASH/template.diag" -i "$VENDOR_KEY" -o "$TRASH/t" 2>/dev/null
tar -xOf "$TRASH/template.diag" payload.age | age -d -i "$VENDOR_KEY" |
	tar -xzf - -C "$TRASH" manifest.json

# stage: a directory holding $P/a.txt and $P/b.txt, to archive with tar -C stage
stage() {
	mkdir -p "stage/$P" && cp "$TRASH/src/a.txt" "$TRASH/src/b.txt" "stage/$P/"
}

# seal INNER.tar: gzip, encrypt with stock age, wrap as hostile.diag.
seal() {
	gzip -c "$1" | age -r "$VENDOR" >payload.age &&
	python3 "$TOP/tests/e2e/craft-bundle.py" "$TRASH/template.diag" payload.age hostile.diag
}

# refused PATTERN: open fails with exit 5 and a message matching PATTERN; nothing is extracted.
refused() {
	test_expect_code 5 diag open hostile.diag -i "$VENDOR_KEY" -o case 2>err &&
	cat err &&
	test "$(wc -l <err)" = 1 &&
	grep -q "$1" err &&
	test ! -e case &&
	test -z "$(find . -name ".case.open.*")"
}

test_expect_success 'a payload made with stock tools the way diag makes it opens' '
	stage && cp "$TRASH/manifest.json" stage/ &&
	created=$(date -d "$(json stage/manifest.json "j[\"created\"]")" +%s) &&
	(cd stage && $TAR -cf ../inner.tar "$P/a.txt" "$P/b.txt" &&
	 $TAR --mtime=@$created -rf ../inner.tar manifest.json) &&
	seal inner.tar &&
	diag open hostile.diag -i "$VENDOR_KEY" -o case 2>/dev/null &&
	cmp case/$P/a.txt "$TRASH/src/a.txt"
'

test_expect_success 'so does one without the sealed manifest copy: it is refused' '
	stage && (cd stage && $TAR -cf ../inner.tar "$P/a.txt" "$P/b.txt") &&
	seal inner.tar &&
	refused "payload: the sealed copy of the manifest is missing"
'

test_expect_success 'an absolute path is refused, and nothing is written there' '
	stage && echo evil >evil &&
	tar -cPf inner.tar --transform="s,.*,$TRASH/evil-absolute," evil &&
	tar -tPf inner.tar | grep -q "^/" &&
	seal inner.tar &&
	refused "member .$TRASH/evil-absolute. has an unsafe name (absolute path): refused" &&
	test ! -e "$TRASH/evil-absolute"
'

test_expect_success 'a .. path is refused, and nothing is written outside' '
	stage && echo evil >evil &&
	tar -cPf inner.tar --transform="s,.*,$P/../../../../evil-dotdot," evil &&
	seal inner.tar &&
	refused "has an unsafe name (.\.. or .\.\.. in path): refused" &&
	test -z "$(find "$TRASH" -name evil-dotdot)"
'

test_expect_success 'a symbolic link is refused' '
	stage && ln -sf /etc/passwd "stage/$P/a.txt" &&
	(cd stage && $TAR -cf ../inner.tar "$P/a.txt" "$P/b.txt") &&
	seal inner.tar &&
	refused "member .$P/a.txt. is a symbolic link: refused"
'

test_expect_success 'a hard link is refused' '
	stage && ln -f "stage/$P/a.txt" "stage/$P/b.txt" &&
	(cd stage && $TAR -cf ../inner.tar "$P/a.txt" "$P/b.txt") &&
	tar -tvf inner.tar | grep -q "link to" &&
	seal inner.tar &&
	refused "member .$P/b.txt. is a hard link: refused"
'

test_expect_success 'a device is refused' '
	stage && (cd stage && $TAR -cf ../inner.tar "$P/a.txt") &&
	python3 -c "
import sys, tarfile
with tarfile.open(\"inner.tar\", \"a\") as t:
    i = tarfile.TarInfo(sys.argv[1]); i.type = tarfile.CHRTYPE; i.devmajor = 1; i.devminor = 3
    t.addfile(i)" "$P/b.txt" &&
	seal inner.tar &&
	refused "member .$P/b.txt. is a character device: refused"
'

test_expect_success 'a directory is refused' '
	stage && (cd stage && $TAR -cf ../inner.tar "$P/a.txt" files) &&
	seal inner.tar &&
	refused "member .files/. is a directory: refused"
'

test_expect_success 'a duplicate name is refused' '
	stage && (cd stage && $TAR -cf ../inner.tar "$P/a.txt" && $TAR -rf ../inner.tar "$P/a.txt") &&
	seal inner.tar &&
	refused "member .$P/a.txt. appears twice: refused"
'

test_expect_success 'a file larger than the manifest says is refused before it is written' '
	stage && echo "and much more" >>"stage/$P/a.txt" &&
	(cd stage && $TAR -cf ../inner.tar "$P/a.txt" "$P/b.txt") &&
	seal inner.tar &&
	refused "member .$P/a.txt. has 18 bytes, the manifest says 4: refused"
'

test_expect_success 'a file the manifest does not list is refused' '
	stage && echo extra >"stage/$P/extra.txt" &&
	(cd stage && $TAR -cf ../inner.tar "$P/a.txt" "$P/b.txt" "$P/extra.txt") &&
	seal inner.tar &&
	refused "member .$P/extra.txt. is not in the manifest: refused"
'

test_expect_success 'files out of the manifest order are refused' '
	stage && (cd stage && $TAR -cf ../inner.tar "$P/b.txt" "$P/a.txt") &&
	seal inner.tar &&
	refused "member .$P/b.txt. is out of order"
'

test_expect_success 'a payload that is not gzip is refused' '
	seq 1 300 | age -r "$VENDOR" >payload.age &&
	python3 "$TOP/tests/e2e/craft-bundle.py" "$TRASH/template.diag" payload.age hostile.diag &&
	refused "payload: corrupt compressed stream\|payload: compressed stream"
'

test_expect_success 'verify refuses the same payloads (exit 5)' '
	stage && ln -sf /etc/passwd "stage/$P/a.txt" &&
	(cd stage && $TAR -cf ../inner.tar "$P/a.txt") &&
	seal inner.tar &&
	test_expect_code 5 diag verify hostile.diag -i "$VENDOR_KEY" 2>err &&
	grep -q "is a symbolic link: refused" err
'

test_done
