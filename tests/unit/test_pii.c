// SPDX-License-Identifier: MIT
/* test_pii.c - PII detection, validators and pseudonyms (redact/pii.c, redact/pseudo.c) */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sodium.h>

#include "../../redact/pii.h"
#include "diag/fsutil.h"
#include "diag/strbuf.h"

static const char *const domains[] = { "corp.example-hospital.org", "web01", NULL };
static const char *const users[] = { "jdoe", "a.nguyen", NULL };
static const unsigned char key1[32] = { 1, 2, 3 }, key2[32] = { 9, 9, 9 };

struct fx {
	struct pii_scanner *sc;
	struct pii_scratch *scr;
};

static int setup(void **state)
{
	static struct fx fx;
	struct pii_options o = { domains, users, PII_ALL };
	char err[256];

	if (pii_scanner_new(&fx.sc, &o, err, sizeof(err)) < 0)
		return -1;
	fx.scr = pii_scratch_new(fx.sc);
	*state = &fx;
	return fx.scr ? 0 : -1;
}

static int teardown(void **state)
{
	struct fx *fx = *state;

	pii_scratch_free(fx->scr);
	pii_scanner_free(fx->sc);
	return 0;
}

/* Every match in text as "kind:value" lines. */
static char *found(struct fx *fx, const char *text)
{
	struct pii_match m[64];
	struct strbuf sb = STRBUF_INIT;
	int n = pii_scan(fx->sc, fx->scr, text, strlen(text), m, 64);

	assert_true(n >= 0);
	for (int i = 0; i < n; i++)
		strbuf_addf(&sb, "%s:%.*s\n", pii_kind_name(m[i].kind), (int)(m[i].end - m[i].start),
			    text + m[i].start);
	return strbuf_detach(&sb, NULL);
}

static void expect_found(struct fx *fx, const char *text, const char *want)
{
	char *got = found(fx, text);

	if (strcmp(got, want))
		fail_msg("in: %s\nwant:\n%sgot:\n%s", text, want, got);
	free(got);
}

/* text with every match replaced by its token under key. */
static char *redact(struct fx *fx, const unsigned char *key, const char *text)
{
	struct pii_match m[64];
	struct strbuf sb = STRBUF_INIT;
	size_t last = 0;
	int n = pii_scan(fx->sc, fx->scr, text, strlen(text), m, 64);

	assert_true(n >= 0);
	for (int i = 0; i < n; i++) {
		char tok[PSEUDO_MAX];

		assert_true(pseudo_token(key, m[i].kind, text + m[i].start, m[i].end - m[i].start, tok,
					 sizeof(tok)) > 0);
		strbuf_add(&sb, text + last, m[i].start - last);
		strbuf_addstr(&sb, tok);
		last = m[i].end;
	}
	strbuf_addstr(&sb, text + last);
	return strbuf_detach(&sb, NULL);
}

static char *token(enum pii_kind kind, const char *value)
{
	static char tok[PSEUDO_MAX - 8];

	assert_true(pseudo_token(key1, kind, value, strlen(value), tok, sizeof(tok)) > 0);
	return tok;
}

static void finds_email_addresses(void **state)
{
	expect_found(*state, "to=<jane.doe+tag@gmail.com>, from bob_smith@mail.acme-corp.co.uk.",
		     "email:jane.doe+tag@gmail.com\nemail:bob_smith@mail.acme-corp.co.uk\n");
	expect_found(*state, "GET /lookup?email=jane.doe%40gmail.com&x=1 mailto:ann@x.org",
		     "email:jane.doe%40gmail.com\nemail:ann@x.org\n");
	expect_found(*state, "jane.doe@corp.acme.com x@mail.co.uk a@b.io bob@acme.consulting c@163.com d@x.org.",
		     "email:jane.doe@corp.acme.com\nemail:x@mail.co.uk\nemail:a@b.io\n"
		     "email:bob@acme.consulting\nemail:c@163.com\nemail:d@x.org\n");
	/* an address before ": " is no ssh remote (git@host:org/repo) */
	expect_found(*state, "alice@acme-corp.com: admin; mail from bob@x.org:\tok git@github.com:org/r",
		     "email:alice@acme-corp.com\nemail:bob@x.org\n");
}

static void leaves_packages_and_image_names_alone_and_finds_an_address_after_at(void **state)
{
	/* npm's name@version, images at 2x: no top-level domain, no address (nor half of one) */
	expect_found(*state, "npm install lodash@4.17.21 @babel/core@7.24.0 react@18.2.0-rc.1 "
		     "logo@2x.png icon@3x.webp x@1.2.3.x", "");
	expect_found(*state, "ssh deploy@10.1.2.3 -p 22", "ipv4:10.1.2.3\n");
}

static void leaves_urls_examples_and_annotations_alone(void **state)
{
	expect_found(*state, "postgres://app:secret@db.example.net:5432/x git@github.com:org/r.git "
		     "@Override npm @types/node mockbuild@x86-vm-07.build.eng.example.com a@b @x.org", "");
	/* a password with characters no local part has is still no address (nor half of one) */
	expect_found(*state, "redis://:Kettle*garnet6238+@cache.example.net:6379/0 "
		     "mongodb://svc:Pd~tt~Zu7QVwYSP@db.example.net/x ftp://u:p!w@files.example.net", "");
	/* but an address in a URL's query or path is one */
	expect_found(*state, "https://crm.example.net/contact?to=jane.doe@corp-mail.com "
		     "https://x.example.net/u/bob.smith@corp-mail.com",
		     "email:jane.doe@corp-mail.com\nemail:bob.smith@corp-mail.com\n");
}

static void finds_ipv4_addresses(void **state)
{
	expect_found(*state, "from 81.2.69.160 port 22, DST=10.20.30.40 [192.168.1.1]:8080 10.0.0.0/16",
		     "ipv4:81.2.69.160\nipv4:10.20.30.40\nipv4:192.168.1.1\nipv4:10.0.0.0\n");
}

static void leaves_versions_oids_masks_and_special_addresses_alone(void **state)
{
	expect_found(*state, "version 4.18.0.513 firmware 1.2.3.4 build 2.14.3.512 v1.2.3.4 "
		     "1.3.6.1.4.1.2021 netmask 255.255.255.0 mask 255.255.240.0 0.0.0.0 127.0.0.1 "
		     "169.254.169.254 224.0.0.251 240.1.2.3 192.0.2.7 198.51.100.7 203.0.113.7 1.2.3 "
		     "4.18.0-513.5.1.el8_9.x86_64 1.2.3.4a", "");
	/* four-part versions by their key, element, product or User-Agent token */
	expect_found(*state, "{\"contentVersion\":\"1.0.0.0\",\"AssemblyVersion\": \"1.2.3.4\"} "
		     "<Version>1.0.0.0</Version> <FileVersion>2.0.0.0</FileVersion> AssemblyFileVersion=2.0.0.0 "
		     "app_version=3.1.0.2 Agent/5.0.10.2 (Windows-Agent/6.1.0.4) openssl 3.0.2.1 "
		     "dotnet 6.0.1.100 Newtonsoft.Json 13.0.1.0 System.Text.Json 6.0.0.0", "");
	/* but an address after any other word, in a path or after a lower-case one is one */
	expect_found(*state, "client 10.1.2.3 node 10.1.2.4 GET /hosts/10.1.2.5 via gw/10.1.2.6 "
		     "http://10.1.2.7/x Json 10.1.2.8 ip_versions 10.1.2.9",
		     "ipv4:10.1.2.3\nipv4:10.1.2.4\nipv4:10.1.2.5\nipv4:10.1.2.6\nipv4:10.1.2.7\n"
		     "ipv4:10.1.2.8\nipv4:10.1.2.9\n");
	/* the reduced User-Agent of every Chromium browser */
	expect_found(*state, "\"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
		     "Chrome/122.0.0.0 Safari/537.36 Edg/122.0.0.0\" route 10.0.0.0/16 via 10.1.2.3/24",
		     "ipv4:10.0.0.0\nipv4:10.1.2.3\n");
}

static void finds_ipv6_addresses(void **state)
{
	expect_found(*state, "from 2a02:1234::5 port 1, [2001:4860:4860::8888]:443 fe80::1ff:fe23:4567:890a%eth0 "
		     "::ffff:10.1.2.3",
		     "ipv6:2a02:1234::5\nipv6:2001:4860:4860::8888\nipv6:fe80::1ff:fe23:4567:890a\n"
		     "ipv6:::ffff:10.1.2.3\n");
}

static void leaves_times_code_and_special_ipv6_alone(void **state)
{
	expect_found(*state, "12:34:56 12:34:56.789 std::vector a::b dead::beef Thread.java:840 ::1 :: "
		     "2001:db8::1 ff02::1 ::ffff:127.0.0.1 T10:20:30Z", "");
}

static void finds_macs_in_every_notation(void **state)
{
	expect_found(*state, "wlan0: 00:16:3E:AB:CD:EF eth0 3c-ec-ef-01-02-03 cisco 0050.56c0.0001",
		     "mac:00:16:3E:AB:CD:EF\nmac:3c-ec-ef-01-02-03\nmac:0050.56c0.0001\n");
	/* iptables: destination MAC, source MAC, ethertype */
	expect_found(*state, "MAC=52:54:00:12:34:56:3c:ec:ef:aa:bb:cc:08:00 SRC",
		     "mac:52:54:00:12:34:56\nmac:3c:ec:ef:aa:bb:cc\n");
}

static void leaves_fingerprints_broadcast_and_multicast_macs_alone(void **state)
{
	expect_found(*state, "ff:ff:ff:ff:ff:ff 01:00:5e:00:00:fb 00:00:00:00:00:00 "
		     "SHA1 aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd", "");
}

static void finds_luhn_valid_cards_only(void **state)
{
	expect_found(*state, "card 4111 1111 1111 1111, 5500-0000-0000-0004 and 378282246310005 "
		     "or 3782 822463 10005",
		     "card:4111 1111 1111 1111\ncard:5500-0000-0000-0004\ncard:378282246310005\n"
		     "card:3782 822463 10005\n");
	expect_found(*state, "order 4111111111111112 ts 1709251200123456 id 1234567812345670", "");
	/* Maestro, Dankort, Mir, Maestro (19), UnionPay 81, Troy, RuPay, Elo, InstaPayment */
	expect_found(*state, "6759649826438453 5019717010103742 2200102248078782 6304309173006041415 "
		     "8100691950584779 9792437287544966 6521216916603748 5090682918787461 6370066614917623",
		     "card:6759649826438453\ncard:5019717010103742\ncard:2200102248078782\n"
		     "card:6304309173006041415\ncard:8100691950584779\ncard:9792437287544966\n"
		     "card:6521216916603748\ncard:5090682918787461\ncard:6370066614917623\n");
}

static void validates_luhn_iban_and_ssn(void **state)
{
	assert_true(pii_luhn_ok("4111-1111-1111-1111", 19));
	assert_false(pii_luhn_ok("4111 1111 1111 1112", 19));
	assert_false(pii_luhn_ok("4111x1111", 9));
	assert_true(pii_iban_ok("DE89 3704 0044 0532 0130 00", 27));
	assert_true(pii_iban_ok("GB82WEST12345698765432", 22));
	assert_false(pii_iban_ok("GB82WEST12345698765433", 22));
	assert_false(pii_iban_ok("DE8937040044053201300", 21)); /* wrong length for DE */
	assert_false(pii_iban_ok("ZZ89370400440532013000", 22)); /* no such country */
	assert_true(pii_ssn_ok("123-45-6789", 11));
	assert_true(pii_ssn_ok("899-01-0001", 11));
	assert_false(pii_ssn_ok("000-45-6789", 11));
	assert_false(pii_ssn_ok("666-45-6789", 11));
	assert_false(pii_ssn_ok("900-45-6789", 11));
	assert_false(pii_ssn_ok("123-00-6789", 11));
	assert_false(pii_ssn_ok("123-45-0000", 11));
	assert_false(pii_ssn_ok("123-45-678", 10));
}

static void finds_ssns_in_valid_ranges_and_bare_ones_by_context(void **state)
{
	expect_found(*state, "ssn 123-45-6789 bad 666-45-6789 900-12-3456 \"tax_id\":\"123456789\"",
		     "ssn:123-45-6789\nssn:123456789\n");
	expect_found(*state, "order 123456789 pid=123456789", "");
}

static void finds_phone_numbers(void **state)
{
	expect_found(*state, "+14155552671 (415) 555-2671 415-555-2671 +1 415-555-2671 "
		     "+44 20 7946 0958 +4915112345678 020 7946 0958 07700 900123 01 23 45 67 89",
		     "phone:+14155552671\nphone:(415) 555-2671\nphone:415-555-2671\nphone:+1 415-555-2671\n"
		     "phone:+44 20 7946 0958\nphone:+4915112345678\nphone:020 7946 0958\nphone:07700 900123\n"
		     "phone:01 23 45 67 89\n");
}

static void leaves_dates_times_durations_and_ids_alone(void **state)
{
	expect_found(*state, "2024-03-01 12:00:00 01-02-2024 1709251200 +3600 took 1.5s "
		     "hexdump 01 23 45 67 89 ab cd 0x1234567890 415-555-267 111-555-2671 "
		     "id 4155552671 offset +12345678", "");
}

static void finds_ibans_with_a_valid_checksum(void **state)
{
	expect_found(*state, "pay to DE89 3704 0044 0532 0130 00, GB82WEST12345698765432; not DE89370400440532013001",
		     "iban:DE89 3704 0044 0532 0130 00\niban:GB82WEST12345698765432\n");
}

static void finds_host_names_under_internal_suffixes(void **state)
{
	expect_found(*state, "relay=db-03.corp.acme.internal[x] https://ci.ACME.lan/x ldap.corp.example-hospital.org "
		     "web01 and x.web01 and printer.office.local",
		     "hostname:db-03.corp.acme.internal\nhostname:ci.ACME.lan\n"
		     "hostname:ldap.corp.example-hospital.org\nhostname:web01\nhostname:x.web01\n"
		     "hostname:printer.office.local\n");
}

/* Whether users are known or not changes nothing for host names, whatever punctuation ends them. */
static void finds_the_same_host_names_without_known_users(void **state)
{
	struct pii_options o = { domains, NULL, PII_ALL };
	struct fx bare = { 0 };
	char err[128];
	const char *text = "--db.internal-- x.home.arpa-- (ci.corp-) web01- -x.web01.- db-03.corp.acme.lan--";
	const char *want = "hostname:db.internal\nhostname:x.home.arpa\nhostname:ci.corp\nhostname:web01\n"
			   "hostname:x.web01\nhostname:db-03.corp.acme.lan\n";

	assert_int_equal(pii_scanner_new(&bare.sc, &o, err, sizeof(err)), 0);
	assert_non_null(bare.scr = pii_scratch_new(bare.sc));
	expect_found(*state, text, want);
	expect_found(&bare, text, want);
	pii_scratch_free(bare.scr);
	pii_scanner_free(bare.sc);
}

static void leaves_public_names_files_and_java_packages_alone(void **state)
{
	expect_found(*state, "www.example-hospital.org settings.local .env.local com.acme.internal.Foo "
		     "com.mongodb.internal.connection.SocketStream internal lan web011 xweb01 web01.ops "
		     "db.corp.example-hospital.org.log", "");
}

static void finds_the_host_of_a_syslog_header(void **state)
{
	expect_found(*state, "Mar  1 00:00:01 acme-app-x1y2 sshd[123]: Server listening on 0.0.0.0 port 22.",
		     "hostname:acme-app-x1y2\n");
	expect_found(*state, "2024-03-01T00:00:01.5+01:00 mailhost postfix/smtp[9]: connect from mailhost[x]",
		     "hostname:mailhost\nhostname:mailhost\n");
	expect_found(*state, "Mar  1 00:00:01 localhost kernel: x", "");
	/* a log level where the host would stand is no host */
	expect_found(*state, "2024-03-11T10:22:01Z INFO aws: retry", "");
	expect_found(*state, "Mar 11 10:22:01 NOTICE nginx: x", "");
	expect_found(*state, "2024-03-11T10:22:01.5Z warn app[7]: x", "");
	expect_found(*state, "Mar 11 10:22:01 ERROR x: y", "");
}

static void finds_user_names_by_context(void **state)
{
	expect_found(*state, "sshd[1]: Accepted publickey for jsmith42 from 10.0.0.1 port 22 ssh2",
		     "username:jsmith42\nipv4:10.0.0.1\n");
	expect_found(*state, "sudo: mjones : TTY=pts/1 ; PWD=/home/mjones ; USER=root ; COMMAND=/bin/ls",
		     "username:mjones\nusername:mjones\n");
	expect_found(*state, "session opened for user bwayne(uid=1004) by (uid=0); Session 3 of User ckent.",
		     "username:bwayne\nusername:ckent\n");
	expect_found(*state, "{\"username\":\"pparker\",\"login\": \"tstark\"} ruser=drose uid=jgordon,ou=people",
		     "username:pparker\nusername:tstark\nusername:drose\nusername:jgordon\n");
	expect_found(*state, "81.2.69.160 - hquinn [01/Mar/2024:00:00:00 +0000] \"GET / HTTP/1.1\" 200 1",
		     "ipv4:81.2.69.160\nusername:hquinn\n");
	/* the context stays on its line: under "user:" in YAML stands a key */
	expect_found(*state, "users:\n- name: x\n  user:\n    auth-provider:\n      name: oidc\n"
		     "  user:\n    client-certificate-data: AAAA\n", "");
	/* "user X" then "from ADDR" or "logged in"; quoted after "for user"; DOMAIN\X; X@REALM */
	expect_found(*state, "user alice from 10.9.8.7 port 22; login: user carol logged in; "
		     "User kwilliams logged out; user interface from 10.9.8.8; user data logged in",
		     "username:alice\nipv4:10.9.8.7\nusername:carol\nusername:kwilliams\nipv4:10.9.8.8\n");
	expect_found(*state, "Login failed for user 'mjones'. password authentication failed for user \"pgjohn\"",
		     "username:mjones\nusername:pgjohn\n");
	expect_found(*state, "Logon failure for CORP\\jdoe4; for user jdoe7@CORP; for user 'CORP\\sqlsvc'",
		     "username:jdoe4\nusername:jdoe7\nusername:sqlsvc\n");
	/* but not a path, an address, or what follows "for" without a name's context */
	expect_found(*state, "for Windows\\System32; for C:\\Users; for user bob@x.org; for details; "
		     "for the user; Settings for user interface",
		     "email:bob@x.org\n");
}

static void finds_every_name_again_in_a_long_record(void **state)
{
	enum { N = 3000 };
	struct fx *fx = *state;
	struct strbuf sb = STRBUF_INIT;
	struct pii_match *m = calloc(2 * N + 1, sizeof(*m));
	int n;

	/* N names by context, then each again bare, in another order */
	for (int i = 0; i < N; i++)
		strbuf_addf(&sb, "user=u%05d ", i);
	for (int i = N; i-- > 0;)
		strbuf_addf(&sb, "(u%05d).", i);
	n = pii_scan(fx->sc, fx->scr, sb.buf, sb.len, m, 2 * N + 1);
	assert_int_equal(n, 2 * N);
	for (int i = 0; i < n; i++) {
		int k = i < N ? i : 2 * N - 1 - i;
		char want[16];

		snprintf(want, sizeof(want), "u%05d", k);
		assert_int_equal(m[i].kind, PII_USERNAME);
		assert_int_equal(m[i].end - m[i].start, 6);
		assert_memory_equal(sb.buf + m[i].start, want, 6);
	}
	free(m);
	strbuf_release(&sb);
}

/* In a document a name learnt by its context stands for itself within its string value or line only. */
static void a_document_finds_a_learnt_name_again_only_near_where_it_was_learnt(void **state)
{
	struct fx *fx = *state;
	const char *doc = "{\"service\": \"orders\", \"user\": \"orders\", "
			  "\"msg\": \"sudo: mjones : PWD=/srv x mjones\", \"by\": \"mjones\"}\n"
			  "owner: orders\n";
	static const char *const want[] = { "orders", "mjones", "mjones" };
	struct pii_match m[8];
	int n = pii_scan_doc(fx->sc, fx->scr, doc, strlen(doc), m, 8);

	assert_int_equal(n, 3);
	for (int i = 0; i < n; i++) {
		assert_int_equal(m[i].kind, PII_USERNAME);
		assert_int_equal(m[i].end - m[i].start, strlen(want[i]));
		assert_memory_equal(doc + m[i].start, want[i], strlen(want[i]));
	}
	assert_memory_equal(doc + m[0].start - 9, "\"user\": \"", 9);
	/* a record (a line of a log) is one piece: found everywhere in it */
	assert_int_equal(pii_scan(fx->sc, fx->scr, doc, strlen(doc), m, 8), 6);
}

static void finds_known_users_anywhere_and_spares_role_accounts(void **state)
{
	expect_found(*state, "owner jdoe, files of a.nguyen in /srv/jdoe/x; jdoe2 xjdoe",
		     "username:jdoe\nusername:a.nguyen\nusername:jdoe\n");
	expect_found(*state, "Failed password for invalid user admin from x; for user root; USER=root; "
		     "user agent; user-agent: curl; User session logged in; waiting for data from upstream; "
		     "/home/app/.cache user=bob@x.org", "email:bob@x.org\n");
}

static void leaves_diagnostic_values_alone(void **state)
{
	expect_found(*state, "job 550e8400-e29b-41d4-a716-446655440000 finished in 12.345678s; "
		     "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 "
		     "commit 3f786850e387550fdab836ed7e6dc881de23001b at 2024-03-01T12:34:56.789Z; "
		     "Java 17.0.9 at com.example.orders.service.OrderService.list(OrderService.java:54) "
		     "/usr/lib/jvm/java-17-openjdk-amd64/lib/modules v2.14.3 agent-v1.2.3-linux-amd64.tar.gz "
		     "order_number 4532015112830367 timeout_ms=5000 1.5 ms", "");
}

static void writes_at_most_max_matches_and_can_resume(void **state)
{
	struct fx *fx = *state;
	const char *text = "10.0.0.1 10.0.0.2 10.0.0.3";
	struct pii_match m[2];
	int n = pii_scan(fx->sc, fx->scr, text, strlen(text), m, 2);

	assert_int_equal(n, 2);
	n = pii_scan(fx->sc, fx->scr, text + m[1].end, strlen(text) - m[1].end, m, 2);
	assert_int_equal(n, 1);
	assert_int_equal(pii_scan(fx->sc, fx->scr, "", 0, m, 2), 0);
}

static void honours_the_enabled_kinds(void **state)
{
	struct pii_options o = { NULL, NULL, 1u << PII_EMAIL };
	struct pii_scanner *sc;
	struct pii_scratch *scr;
	struct pii_match m[8];
	char err[128];
	const char *text = "a@b.org 10.0.0.1 user=jdoe";

	assert_int_equal(pii_scanner_new(&sc, &o, err, sizeof(err)), 0);
	scr = pii_scratch_new(sc);
	assert_int_equal(pii_scan(sc, scr, text, strlen(text), m, 8), 1);
	assert_int_equal(m[0].kind, PII_EMAIL);
	pii_scratch_free(scr);
	pii_scanner_free(sc);
}

/* ---- pseudonyms ---- */

static void ipv4_tokens_stay_in_240_and_keep_subnets(void **state)
{
	char a[PSEUDO_MAX], b[PSEUDO_MAX], c[PSEUDO_MAX], d[PSEUDO_MAX];
	struct in_addr x;

	snprintf(a, sizeof(a), "%s", token(PII_IPV4, "10.1.2.3"));
	snprintf(b, sizeof(b), "%s", token(PII_IPV4, "10.1.2.200"));
	snprintf(c, sizeof(c), "%s", token(PII_IPV4, "10.1.3.3"));
	snprintf(d, sizeof(d), "%s", token(PII_IPV4, "10.9.2.3"));
	assert_int_equal(inet_pton(AF_INET, a, &x), 1);
	assert_true((ntohl(x.s_addr) >> 28) == 0xf && (ntohl(x.s_addr) >> 24) != 0xff);
	/* same /24, same /16 but another /24, another /16 under the same /8 */
	assert_memory_equal(a, b, (size_t)(strrchr(a, '.') - a + 1));
	assert_string_not_equal(a, b);
	assert_memory_equal(a, c, (size_t)(strchr(strchr(a, '.') + 1, '.') - a + 1));
	assert_false(!strncmp(a, c, (size_t)(strrchr(a, '.') - a + 1)));
	assert_memory_equal(a, d, (size_t)(strchr(a, '.') - a + 1));
	assert_false(!strncmp(a, d, (size_t)(strchr(strchr(a, '.') + 1, '.') - a + 1)));
}

/* A network (.0) and a broadcast (.255) keep their octet in their hosts' /24; no host takes one. */
static void ipv4_tokens_keep_networks_and_broadcasts(void **state)
{
	char net[PSEUDO_MAX], bcast[PSEUDO_MAX], host[PSEUDO_MAX], net16[PSEUDO_MAX], in[32];
	size_t n24, n16;

	snprintf(net, sizeof(net), "%s", token(PII_IPV4, "10.20.30.0"));
	snprintf(bcast, sizeof(bcast), "%s", token(PII_IPV4, "10.20.30.255"));
	snprintf(host, sizeof(host), "%s", token(PII_IPV4, "10.20.30.40"));
	snprintf(net16, sizeof(net16), "%s", token(PII_IPV4, "10.20.0.0"));
	n24 = (size_t)(strrchr(host, '.') - host + 1);
	n16 = (size_t)(strchr(strchr(host, '.') + 1, '.') - host + 1);
	assert_memory_equal(net, host, n24);
	assert_memory_equal(bcast, host, n24);
	assert_string_equal(net + n24, "0");
	assert_string_equal(bcast + n24, "255");
	assert_memory_equal(net16, host, n16);
	assert_string_equal(net16 + n16, "0.0");
	for (int d = 1; d < 255; d++) {
		const char *t;

		snprintf(in, sizeof(in), "10.20.30.%d", d);
		t = token(PII_IPV4, in);
		assert_memory_equal(t, host, n24);
		assert_string_not_equal(t + n24, "0");
		assert_string_not_equal(t + n24, "255");
	}
	for (int c = 1; c < 255; c++) {
		const char *t;

		snprintf(in, sizeof(in), "10.20.%d.0", c);
		t = token(PII_IPV4, in);
		assert_memory_equal(t, host, n16);
		assert_memory_not_equal(t + n16, "0.", 2);
		assert_memory_not_equal(t + n16, "255.", 4);
	}
	(void)state;
}

static void ipv6_tokens_stay_in_the_documentation_prefix_and_keep_the_64(void **state)
{
	char a[PSEUDO_MAX], b[PSEUDO_MAX];
	unsigned char x[16], y[16];

	snprintf(a, sizeof(a), "%s", token(PII_IPV6, "2a02:1234:5678:9abc::1"));
	snprintf(b, sizeof(b), "%s", token(PII_IPV6, "2a02:1234:5678:9abc:dead:beef:0:2"));
	assert_int_equal(inet_pton(AF_INET6, a, x), 1);
	assert_int_equal(inet_pton(AF_INET6, b, y), 1);
	assert_memory_equal(x, "\x20\x01\x0d\xb8", 4);
	assert_memory_equal(x, y, 8);
	assert_memory_not_equal(x + 8, y + 8, 8);
	snprintf(a, sizeof(a), "::ffff:%s", token(PII_IPV4, "10.1.2.3"));
	assert_string_equal(token(PII_IPV6, "::ffff:10.1.2.3"), a);
}

static void mac_tokens_are_local_unicast_in_the_same_notation(void **state)
{
	const char *t = token(PII_MAC, "00:16:3E:AB:CD:EF");

	assert_int_equal(strlen(t), 17);
	assert_memory_equal(t, "0E:D1:", 6);
	assert_null(strpbrk(t, "abcdef"));
	assert_memory_equal(token(PII_MAC, "3c-ec-ef-01-02-03"), "0e-d1-", 6);
	t = token(PII_MAC, "0050.56c0.0001");
	assert_int_equal(strlen(t), 14);
	assert_memory_equal(t, "0ed1.", 5);
}

static void email_tokens_are_addresses_with_a_kept_provider_or_hidden_domain(void **state)
{
	char a[PSEUDO_MAX];
	const char *t = token(PII_EMAIL, "Jane.Doe@Gmail.com");

	assert_int_equal(strlen(t), strlen("user-12345678@gmail.com"));
	assert_memory_equal(t, "user-", 5);
	assert_string_equal(t + 13, "@gmail.com");
	snprintf(a, sizeof(a), "%s", t);
	/* same address, any case, any encoding: same local token */
	t = token(PII_EMAIL, "jane.doe%40gmail.com");
	assert_memory_equal(t, a, 13);
	assert_string_equal(t + 13, "%40gmail.com");
	t = token(PII_EMAIL, "bob@mail.acme-corp.co.uk");
	assert_non_null(strstr(t, ".co.uk"));
	assert_null(strstr(t, "acme"));
	assert_int_equal(strchr(t, '@')[1], 'h');
}

static void host_tokens_keep_depth_public_suffix_and_parents(void **state)
{
	char a[PSEUDO_MAX], b[PSEUDO_MAX];

	snprintf(a, sizeof(a), "%s", token(PII_HOSTNAME, "db-03.corp.acme.internal"));
	snprintf(b, sizeof(b), "%s", token(PII_HOSTNAME, "DB-04.Corp.Acme.Internal"));
	assert_int_equal(strlen(a), 3 * 10 + strlen("internal"));
	assert_string_equal(a + 30, "internal");
	/* siblings share the parents' tokens, not their own */
	assert_string_equal(a + 10, b + 10);
	assert_memory_not_equal(a, b, 9);
	assert_string_equal(token(PII_HOSTNAME, "x.acme.co.uk") + 20, "co.uk");
	assert_int_equal(strlen(token(PII_HOSTNAME, "web01")), 9);
}

static bool all_digits_kept_except(const char *tok, const char *orig)
{
	if (strlen(tok) != strlen(orig))
		return false;
	for (size_t i = 0; orig[i]; i++)
		if ((orig[i] >= '0' && orig[i] <= '9') != (tok[i] >= '0' && tok[i] <= '9') ||
		    (!(orig[i] >= '0' && orig[i] <= '9') && orig[i] != tok[i]))
			return false;
	return true;
}

static void number_tokens_keep_format_and_are_never_valid(void **state)
{
	char a[PSEUDO_MAX];
	const char *t;

	t = token(PII_CARD, "4111 1111 1111 1111");
	assert_true(all_digits_kept_except(t, "4111 1111 1111 1111"));
	assert_memory_equal(t, "0000 ", 5);
	assert_false(pii_luhn_ok(t, strlen(t)));
	t = token(PII_SSN, "123-45-6789");
	assert_true(all_digits_kept_except(t, "123-45-6789"));
	assert_false(pii_ssn_ok(t, strlen(t)));
	t = token(PII_PHONE, "+44 20 7946 0958");
	assert_true(all_digits_kept_except(t, "+44 20 7946 0958"));
	assert_memory_equal(t, "+44 00 0", 8);
	t = token(PII_PHONE, "(415) 555-2671");
	assert_memory_equal(t, "(000) ", 6);
	/* one number written two ways: the same digits after the national number's first three */
	snprintf(a, sizeof(a), "%s", t);
	t = token(PII_PHONE, "+1 415-555-2671");
	assert_memory_equal(t, "+1 000-", 7);
	assert_string_equal(t + 7, a + 6);
	t = token(PII_PHONE, "+14155552671");
	assert_memory_equal(t + 5, a + 6, 3);
	assert_memory_equal(t + 8, a + 10, 4);
	snprintf(a, sizeof(a), "%s", token(PII_PHONE, "+44 20 7946 0958"));
	t = token(PII_PHONE, "020 7946 0958");
	assert_memory_equal(t, "000 0", 5);
	assert_string_equal(t + 5, a + 8);
	t = token(PII_IBAN, "DE89 3704 0044 0532 0130 00");
	assert_int_equal(strlen(t), 27);
	assert_memory_equal(t, "DE0", 3);
	assert_false(pii_iban_ok(t, strlen(t)));
	assert_memory_equal(token(PII_USERNAME, "jdoe"), "user-", 5);
}

static void tokens_are_deterministic_and_keyed(void **state)
{
	static const struct { enum pii_kind k; const char *v; } vals[] = {
		{ PII_EMAIL, "jane@x.org" }, { PII_IPV4, "10.1.2.3" }, { PII_IPV6, "2a02::5" },
		{ PII_MAC, "00:16:3e:ab:cd:ef" }, { PII_PHONE, "+14155552671" },
		{ PII_CARD, "4111111111111111" }, { PII_SSN, "123-45-6789" },
		{ PII_IBAN, "GB82WEST12345698765432" }, { PII_HOSTNAME, "db.acme.lan" },
		{ PII_USERNAME, "jdoe" },
	};

	for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		char a[PSEUDO_MAX], b[PSEUDO_MAX], c[PSEUDO_MAX];
		size_t n = strlen(vals[i].v);

		assert_true(pseudo_token(key1, vals[i].k, vals[i].v, n, a, sizeof(a)) > 0);
		assert_true(pseudo_token(key1, vals[i].k, vals[i].v, n, b, sizeof(b)) > 0);
		assert_true(pseudo_token(key2, vals[i].k, vals[i].v, n, c, sizeof(c)) > 0);
		assert_string_equal(a, b);
		assert_string_not_equal(a, c);
		assert_string_not_equal(a, vals[i].v);
	}
}

static void odd_values_get_a_plain_token_and_small_buffers_fail(void **state)
{
	char out[PSEUDO_MAX];

	assert_int_equal(pseudo_token(key1, PII_IPV4, "999.1.1.1", 9, out, sizeof(out)), 13);
	assert_memory_equal(out, "ipv4-", 5);
	assert_int_equal(pseudo_token(key1, PII_IPV4, "10.1.2.3", 8, out, 4), -1);
	assert_int_equal(pseudo_token(key1, PII_KIND_COUNT, "x", 1, out, sizeof(out)), -1);
}

/* The engine's property: redact(redact(x)) == redact(x), and no token is the original. */
static void tokens_are_never_detected_again(void **state)
{
	static const char *const lines[] = {
		"Mar  1 00:00:01 acme-app-x1y2 sshd[9]: Accepted publickey for jsmith42 from 81.2.69.160 port 22",
		"sudo: mjones : TTY=pts/1 ; PWD=/home/mjones ; USER=root",
		"to=<jane.doe@gmail.com>, relay=db-03.corp.acme.internal[10.1.2.3]:25 e=a%40acme-corp.com",
		"MAC=52:54:00:12:34:56:3c:ec:ef:aa:bb:cc:08:00 wlan0 00:16:3E:AB:CD:EF 0050.56c0.0001 3c-ec-ef-01-02-03",
		"card 4111 1111 1111 1111 378282246310005 ssn 123-45-6789 tax_id 123456789",
		"+14155552671 (415) 555-2671 +44 20 7946 0958 020 7946 0958 +39 06 1234 5678 01 23 45 67 89",
		"2a02:1234::5 fe80::1ff:fe23:4567:890a ::ffff:10.1.2.3 DE89 3704 0044 0532 0130 00",
		"web01 x.corp.example-hospital.org owner jdoe a.nguyen 81.2.69.160 - hquinn [01/Mar/2024:0",
	};
	struct fx *fx = *state;

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		char *once = redact(fx, key1, lines[i]), *twice = redact(fx, key1, once);

		assert_string_equal(once, twice);
		assert_string_not_equal(once, lines[i]);
		free(once);
		free(twice);
	}
}

/*
 * tests/fixtures/pii/planted.txt holds PII and decoys; expect.tsv lists them
 * ("pii", kind, value or "decoy", kind, value): every PII value must be gone,
 * every decoy intact, and the counts per kind as listed.
 */
static void the_planted_fixture_loses_its_pii_and_keeps_its_decoys(void **state)
{
	struct fx *fx = *state;
	struct strbuf in = STRBUF_INIT, exp = STRBUF_INIT, out = STRBUF_INIT;
	char *line, *save = NULL;
	int pii = 0, decoys = 0;

	assert_int_equal(fs_read_file("../fixtures/pii/planted.txt", &in, 1 << 20), 0);
	assert_int_equal(fs_read_file("../fixtures/pii/expect.tsv", &exp, 1 << 20), 0);
	for (line = strtok_r(in.buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *r = redact(fx, key1, line);

		strbuf_addstr(&out, r);
		strbuf_addch(&out, '\n');
		free(r);
	}
	for (line = strtok_r(exp.buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *kind = strchr(line, '\t'), *value = kind ? strchr(kind + 1, '\t') : NULL;

		if (line[0] == '#' || !value)
			continue;
		*kind++ = *value++ = '\0';
		if (!strcmp(line, "pii")) {
			if (strstr(out.buf, value))
				fail_msg("planted %s survived: %s", kind, value);
			pii++;
		} else {
			if (!strstr(out.buf, value))
				fail_msg("decoy %s destroyed: %s", kind, value);
			decoys++;
		}
	}
	assert_true(pii >= 40);
	assert_true(decoys >= 20);
	strbuf_release(&in);
	strbuf_release(&exp);
	strbuf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(finds_email_addresses),
		cmocka_unit_test(leaves_urls_examples_and_annotations_alone),
		cmocka_unit_test(leaves_packages_and_image_names_alone_and_finds_an_address_after_at),
		cmocka_unit_test(finds_ipv4_addresses),
		cmocka_unit_test(leaves_versions_oids_masks_and_special_addresses_alone),
		cmocka_unit_test(finds_ipv6_addresses),
		cmocka_unit_test(leaves_times_code_and_special_ipv6_alone),
		cmocka_unit_test(finds_macs_in_every_notation),
		cmocka_unit_test(leaves_fingerprints_broadcast_and_multicast_macs_alone),
		cmocka_unit_test(finds_luhn_valid_cards_only),
		cmocka_unit_test(validates_luhn_iban_and_ssn),
		cmocka_unit_test(finds_ssns_in_valid_ranges_and_bare_ones_by_context),
		cmocka_unit_test(finds_phone_numbers),
		cmocka_unit_test(leaves_dates_times_durations_and_ids_alone),
		cmocka_unit_test(finds_ibans_with_a_valid_checksum),
		cmocka_unit_test(finds_host_names_under_internal_suffixes),
		cmocka_unit_test(finds_the_same_host_names_without_known_users),
		cmocka_unit_test(leaves_public_names_files_and_java_packages_alone),
		cmocka_unit_test(finds_the_host_of_a_syslog_header),
		cmocka_unit_test(finds_user_names_by_context),
		cmocka_unit_test(finds_every_name_again_in_a_long_record),
		cmocka_unit_test(a_document_finds_a_learnt_name_again_only_near_where_it_was_learnt),
		cmocka_unit_test(finds_known_users_anywhere_and_spares_role_accounts),
		cmocka_unit_test(leaves_diagnostic_values_alone),
		cmocka_unit_test(writes_at_most_max_matches_and_can_resume),
		cmocka_unit_test(honours_the_enabled_kinds),
		cmocka_unit_test(ipv4_tokens_stay_in_240_and_keep_subnets),
		cmocka_unit_test(ipv4_tokens_keep_networks_and_broadcasts),
		cmocka_unit_test(ipv6_tokens_stay_in_the_documentation_prefix_and_keep_the_64),
		cmocka_unit_test(mac_tokens_are_local_unicast_in_the_same_notation),
		cmocka_unit_test(email_tokens_are_addresses_with_a_kept_provider_or_hidden_domain),
		cmocka_unit_test(host_tokens_keep_depth_public_suffix_and_parents),
		cmocka_unit_test(number_tokens_keep_format_and_are_never_valid),
		cmocka_unit_test(tokens_are_deterministic_and_keyed),
		cmocka_unit_test(odd_values_get_a_plain_token_and_small_buffers_fail),
		cmocka_unit_test(tokens_are_never_detected_again),
		cmocka_unit_test(the_planted_fixture_loses_its_pii_and_keeps_its_decoys),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, setup, teardown);
}
