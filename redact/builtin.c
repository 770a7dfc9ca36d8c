// SPDX-License-Identifier: MIT
/*
 * builtin.c - the built-in secret rules
 *
 * Token formats with a fixed prefix are PCRE2 patterns run only where their
 * prefix (the trigger) occurs, anchored there; the look-behinds keep them
 * from starting inside a longer word. Rules without a pattern are done in C:
 * key names and their values (names.c), URLs, PEM blocks, command lines and
 * headers (scan.c), Kubernetes Secrets (json.c, yaml.c). The order is the
 * priority when two rules find the same bytes: specific before generic.
 */
#include "internal.h"

#define B "(?<![A-Za-z0-9_-])"   /* not inside a longer token */
#define E "(?![A-Za-z0-9_-])"

/* What follows an IPv4 address's first number, in a pattern. */
#define IPV4_REST "\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}(?![0-9])"

const struct builtin_def builtin_rules[R_BUILTIN_COUNT] = {
	[R_AWS_ACCESS_KEY_ID] = {
		.id = "aws-access-key-id",
		.summary = "AWS access key ids (AKIA..., ASIA...)",
		.pattern = "(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}(?![A-Za-z0-9])",
		.triggers = "AKIA|ASIA|ABIA|ACCA|A3T",
		.check = check_not_example,
	},
	[R_AWS_SECRET_ACCESS_KEY] = {
		.id = "aws-secret-access-key",
		.summary = "AWS secret access keys (values of aws_secret_access_key and the like)",
	},
	[R_GCP_API_KEY] = {
		.id = "gcp-api-key",
		.summary = "Google Cloud API keys (AIza...)",
		.pattern = B "AIza[0-9A-Za-z_-]{35}" E,
		.triggers = "AIza",
		.check = check_token_body,
	},
	[R_GCP_OAUTH_SECRET] = {
		.id = "gcp-oauth-client-secret",
		.summary = "Google OAuth client secrets (GOCSPX-...)",
		.pattern = B "GOCSPX-[A-Za-z0-9_-]{20,}" E,
		.triggers = "GOCSPX-",
		.check = check_token_body,
	},
	[R_AZURE_STORAGE_KEY] = {
		.id = "azure-storage-key",
		.summary = "Azure storage account keys (AccountKey=, SharedAccessKey=)",
	},
	[R_AZURE_CLIENT_SECRET] = {
		.id = "azure-client-secret",
		.summary = "Azure AD client secrets (...Q~...)",
		.pattern = "(?<![A-Za-z0-9_~.-])[A-Za-z0-9_~.-]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,34}(?![A-Za-z0-9_~.-])",
		.triggers = "0Q~|1Q~|2Q~|3Q~|4Q~|5Q~|6Q~|7Q~|8Q~|9Q~",
		.back = 3,
		.check = check_token_body,
	},
	[R_GITHUB_TOKEN] = {
		.id = "github-token",
		.summary = "GitHub tokens (ghp_, gho_, ghu_, ghs_, ghr_)",
		.pattern = B "gh[pousr]_[A-Za-z0-9]{36,255}" E,
		.triggers = "ghp_|gho_|ghu_|ghs_|ghr_",
		.check = check_token_body,
	},
	[R_GITHUB_FINE_GRAINED_TOKEN] = {
		.id = "github-fine-grained-token",
		.summary = "GitHub fine-grained personal access tokens (github_pat_...)",
		.pattern = B "github_pat_[A-Za-z0-9_]{50,255}" E,
		.triggers = "github_pat_",
		.check = check_token_body,
	},
	[R_GITLAB_TOKEN] = {
		.id = "gitlab-token",
		.summary = "GitLab tokens (glpat-, gldt-, glrt-, ...)",
		.pattern = B "gl(?:pat|dt|rt|ptt|cbt|imt|soat|ft|agent|oas)-[A-Za-z0-9_-]{20,}" E,
		.triggers = "glpat-|gldt-|glrt-|glptt-|glcbt-|glimt-|glsoat-|glft-|glagent-|gloas-",
		.check = check_token_body,
	},
	[R_NPM_TOKEN] = {
		.id = "npm-token",
		.summary = "npm access tokens (npm_...)",
		.pattern = B "npm_[A-Za-z0-9]{36}" E,
		.triggers = "npm_",
		.check = check_token_body,
	},
	[R_PYPI_TOKEN] = {
		.id = "pypi-token",
		.summary = "PyPI upload tokens (pypi-AgEIcHlwaS5vcmc...)",
		.pattern = B "pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}" E,
		.triggers = "pypi-AgEIcHlwaS5vcmc",
	},
	[R_DOCKER_TOKEN] = {
		.id = "docker-token",
		.summary = "Docker Hub access tokens (dckr_pat_...)",
		.pattern = B "dckr_(?:pat|oat)_[A-Za-z0-9_-]{20,}" E,
		.triggers = "dckr_pat_|dckr_oat_",
		.check = check_token_body,
	},
	[R_SLACK_TOKEN] = {
		.id = "slack-token",
		.summary = "Slack tokens (xoxb-, xoxp-, xoxa-, ..., app-level xapp-)",
		.pattern = B "(?:xox[abposre](?:\\.xox[abposre])?|xapp-[0-9])-[0-9A-Za-z-]{10,250}" E,
		.triggers = "xox|xapp-",
		.check = check_token_body,
	},
	[R_SLACK_WEBHOOK] = {
		.id = "slack-webhook",
		.summary = "Slack incoming webhook URLs",
		.pattern = "hooks\\.slack\\.com/(?:services|workflows|triggers)/([A-Za-z0-9_/+-]{8,})",
		.group = 1,
		.triggers = "hooks.slack.com/",
	},
	[R_DISCORD_WEBHOOK] = {
		.id = "discord-webhook",
		.summary = "Discord webhook URLs",
		.pattern = "discord(?:app)?\\.com/api/webhooks/([0-9]+/[A-Za-z0-9_-]+)",
		.group = 1,
		.triggers = "discord.com/api/webhooks/|discordapp.com/api/webhooks/",
	},
	[R_TEAMS_WEBHOOK] = {
		.id = "teams-webhook",
		.summary = "Microsoft Teams (Office 365 connector) incoming webhook URLs",
		.pattern = "(?:webhook|outlook)\\.office(?:365)?\\.com/webhook(?:b2)?/([0-9A-Za-z@/_-]{40,})",
		.group = 1,
		.triggers = "webhook.office.com/webhook|outlook.office.com/webhook/|outlook.office365.com/webhook/",
	},
	[R_STRIPE_KEY] = {
		.id = "stripe-key",
		.summary = "Stripe secret and restricted keys (sk_live_, rk_live_, ..._test_)",
		.pattern = B "[rs]k_(?:live|test)_[0-9A-Za-z]{20,247}" E,
		.triggers = "sk_live_|sk_test_|rk_live_|rk_test_",
		.check = check_token_body,
	},
	[R_STRIPE_WEBHOOK_SECRET] = {
		.id = "stripe-webhook-secret",
		.summary = "Stripe webhook signing secrets (whsec_...)",
		.pattern = B "whsec_[A-Za-z0-9+/=]{24,}" E,
		.triggers = "whsec_",
		.check = check_token_body,
	},
	[R_SENDGRID_API_KEY] = {
		.id = "sendgrid-api-key",
		.summary = "SendGrid API keys (SG.xxx.yyy)",
		.pattern = B "SG\\.[A-Za-z0-9_-]{16,32}\\.[A-Za-z0-9_-]{16,64}" E,
		.triggers = "SG.",
		.check = check_token_body,
	},
	[R_TWILIO_API_KEY] = {
		.id = "twilio-api-key",
		.summary = "Twilio API key SIDs (SK + 32 hex digits)",
		.pattern = "(?<![A-Za-z0-9])SK[0-9a-fA-F]{32}(?![A-Za-z0-9])",
		.triggers = "SK0|SK1|SK2|SK3|SK4|SK5|SK6|SK7|SK8|SK9|SKa|SKb|SKc|SKd|SKe|SKf|SKA|SKB|SKC|SKD|SKE|SKF",
		.check = check_token_body,
	},
	[R_ANTHROPIC_API_KEY] = {
		.id = "anthropic-api-key",
		.summary = "Anthropic API keys (sk-ant-...)",
		.pattern = B "sk-ant-[A-Za-z0-9_-]{20,}" E,
		.triggers = "sk-ant-",
		.check = check_token_body,
	},
	[R_OPENAI_API_KEY] = {
		.id = "openai-api-key",
		.summary = "OpenAI-style API keys (sk-..., sk-proj-...)",
		.pattern = B "sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}" E,
		.triggers = "sk-",
		.check = check_mixed_token,
	},
	[R_HUGGINGFACE_TOKEN] = {
		.id = "huggingface-token",
		.summary = "Hugging Face tokens (hf_...)",
		.pattern = B "hf_[A-Za-z]{34}" E,
		.triggers = "hf_",
		.check = check_token_body,
	},
	[R_SHOPIFY_TOKEN] = {
		.id = "shopify-token",
		.summary = "Shopify access tokens (shpat_, shpca_, shppa_, shpss_)",
		.pattern = B "shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}" E,
		.triggers = "shpat_|shpca_|shppa_|shpss_",
		.check = check_token_body,
	},
	[R_GOOGLE_OAUTH_TOKEN] = {
		.id = "google-oauth-token",
		.summary = "Google OAuth access and refresh tokens (ya29...., 1//0...)",
		.pattern = B "(?:ya29\\.|1//0)[A-Za-z0-9_-]{30,}" E,
		.triggers = "ya29.|1//0",
		.check = check_token_body,
	},
	[R_GRAFANA_TOKEN] = {
		.id = "grafana-token",
		.summary = "Grafana service-account tokens and Cloud keys (glsa_..., glc_...)",
		.pattern = B "(?:glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}|glc_[A-Za-z0-9+/]{32,}={0,2})" E,
		.triggers = "glsa_|glc_",
		.check = check_token_body,
	},
	[R_TAILSCALE_KEY] = {
		.id = "tailscale-key",
		.summary = "Tailscale auth, API and OAuth client keys (tskey-auth-..., tskey-api-...)",
		.pattern = B "tskey-(?:auth|api|client|scim|webhook)-[A-Za-z0-9]{6,}-[A-Za-z0-9]{16,}" E,
		.triggers = "tskey-",
		.check = check_token_body,
	},
	[R_DIGITALOCEAN_TOKEN] = {
		.id = "digitalocean-token",
		.summary = "DigitalOcean tokens (dop_v1_, doo_v1_, dor_v1_)",
		.pattern = B "do[opr]_v1_[a-f0-9]{64}" E,
		.triggers = "dop_v1_|doo_v1_|dor_v1_",
		.check = check_token_body,
	},
	[R_ATLASSIAN_TOKEN] = {
		.id = "atlassian-token",
		.summary = "Atlassian API tokens (ATATT..., ATCTT...)",
		.pattern = B "AT[AC]TT[A-Za-z0-9_=-]{40,}" E,
		.triggers = "ATATT|ATCTT",
		.check = check_mixed_token,
	},
	[R_NUGET_API_KEY] = {
		.id = "nuget-api-key",
		.summary = "NuGet API keys (oy2 and 43 lower-case letters and digits)",
		.pattern = "(?<![A-Za-z0-9])oy2[a-z0-9]{43}(?![A-Za-z0-9])",
		.triggers = "oy2",
		.check = check_token_body,
	},
	[R_SENTRY_DSN] = {
		.id = "sentry-dsn",
		.summary = "the key in Sentry DSNs (https://KEY@o1.ingest.sentry.io/2)",
	},
	[R_DATADOG_API_KEY] = {
		.id = "datadog-api-key",
		.summary = "Datadog API and application keys (DD_API_KEY, ...)",
	},
	[R_VAULT_TOKEN] = {
		.id = "vault-token",
		.summary = "HashiCorp Vault tokens (hvs., hvb., hvr.; legacy s. and b. after "
			   "vault login or token)",
		/*
		 * A legacy token ("s." and 24 letters and digits) is too short
		 * and too plain to find alone: only where "vault login" or
		 * "token" names it. Both forms are group 1. The trigger is
		 * "ault login": "vau" would be one more start for the prefilter.
		 */
		.pattern = "(?|" B "(hv[sbr]\\.[A-Za-z0-9_-]{24,})"
			   "|(?i:(?<=v)ault\\s+login(?:\\s+-\\S+)*\\s+|token[:=]?\\s*)([sb]\\.[A-Za-z0-9]{24,}))" E,
		.group = 1,
		.triggers = "hvs.|hvb.|hvr.|~ault login|~token s.|~token: s.|~token=s.|~token b.|~token: b.|"
			    "~token=b.",
		.check = check_vault_token,
	},
	[R_AGE_SECRET_KEY] = {
		.id = "age-secret-key",
		.summary = "age identities (AGE-SECRET-KEY-1..., AGE-SECRET-KEY-PQ-1...); "
			   "recipients (age1...) stay",
		/* bech32, upper case as age writes it (a lower-case copy is the same key) */
		.pattern = B "(?i:AGE-SECRET-KEY-(?:PQ-)?1[qpzry9x8gf2tvdw0s3jn54khce6mua7l]{20,})" E,
		.triggers = "~SECRET-KEY-", /* shares "sec" with the key names: "age" is everywhere */
		.back = 4,
		.check = check_token_body,
	},
	[R_JWT] = {
		.id = "jwt",
		.summary = "JSON Web Tokens, Kubernetes service-account tokens included (eyJ...)",
		.pattern = B "eyJ[A-Za-z0-9_-]{10,}\\.[A-Za-z0-9_-]{10,}\\.[A-Za-z0-9_-]*" E,
		.triggers = "eyJ",
	},
	[R_PRIVATE_KEY] = {
		.id = "private-key",
		.summary = "PEM and OpenSSH private keys, OpenVPN static keys (body lines, multi-line or "
			   "escaped; base64-encoded PEM too)",
		.pattern = B "LS0tLS1CRUdJTi[A-Za-z0-9+/]*={0,2}" E,
		.triggers = "LS0tLS1CRUdJTi",
		.check = check_b64_private_key,
	},
	[R_PUTTY_PRIVATE_KEY] = {
		.id = "putty-private-key",
		.summary = "PuTTY private keys (.ppk: the Private-Lines body and the Private-MAC)",
	},
	[R_KUBERNETES_SECRET] = {
		.id = "kubernetes-secret",
		.summary = "values under data and stringData of a Kubernetes Secret (YAML or JSON)",
	},
	[R_URL_CREDENTIALS] = {
		.id = "url-credentials",
		.summary = "passwords in URLs and connection strings (scheme://user:PASS@host, jdbc:oracle:thin:user/PASS@)",
		.pattern = "jdbc:oracle:[a-z0-9]+:@?[^/\\s@:\"']+/([^@\\s\"']+)@",
		.group = 1,
		.triggers = "jdbc:oracle:",
	},
	[R_AUTHORIZATION] = {
		.id = "authorization",
		.summary = "credentials in Authorization and Proxy-Authorization headers, and bare Bearer tokens",
	},
	[R_COOKIE] = {
		.id = "cookie",
		.summary = "values in Cookie and Set-Cookie headers",
	},
	[R_PASSWORD] = {
		.id = "password",
		.summary = "values of password, passwd, pwd, passphrase keys (key=value, key: "
			   "value, env, INI, properties, JSON, YAML, XML elements and key=/value= "
			   "attributes, config directives, --password X), .netrc, .pgpass; "
			   "command lines (mysql -pX, curl -u user:X, redis-cli -a X, smbclient -U user%X, "
			   "htpasswd -b, config set NAME X); SQL (IDENTIFIED BY 'X', PASSWORD 'X')",
	},
	[R_SECRET] = {
		.id = "secret",
		.summary = "values of keys named secret (client_secret, SESSION_SECRET, ...)",
	},
	[R_TOKEN] = {
		.id = "token",
		.summary = "values of keys named token (api_token, GITHUB_TOKEN, X-Auth-Token, ...; "
			   "not counts such as max_tokens=4096); OAuth codes in URLs (?code=, "
			   "&code_verifier=); tokens in a URL-encoded URL (%3Ftoken%3D...); a Twilio auth "
			   "token after its account SID (\"AC...\", \"...\")",
		/*
		 * A query's OAuth authorization code (random: a country code
		 * stays), and a secret's parameter in a URL that is itself a
		 * parameter's value (redirect_uri=https%3A%2F%2F...%3Ftoken%3DX).
		 */
		.pattern = "(?|[?&](?:code|code_verifier|device_code)=([^&\\s\"'#<>]{16,})"
			   "|(?i:%3F|%26)(?i:token|access_token|id_token|refresh_token|auth_token|"
			   "api_key|apikey|password|passwd|pwd|secret|client_secret|code|sig|signature)"
			   "%3D((?:[A-Za-z0-9._~+/-]|%2[BbFf])+(?:%3[Dd])*)"
			   /* Twilio's auth token after its account SID: Client("AC...", "...") */
			   "|(?<![A-Za-z0-9])AC[0-9a-f]{32}['\"]?[ \t]*[,:][ \t]*['\"]?([0-9a-f]{32})"
			   "(?![A-Za-z0-9]))",
		.group = 1,
		.triggers = "?code=|&code=|?code_verifier=|&code_verifier=|?device_code=|&device_code=|"
			    "~%3F|~%26|AC0|AC1|AC2|AC3|AC4|AC5|AC6|AC7|AC8|AC9|ACa|ACb|ACc|ACd|ACe|ACf",
		.check = check_query_token,
	},
	[R_API_KEY] = {
		.id = "api-key",
		.summary = "values of keys named api key, access/signing/private key, and of "
			   "other *key names when the value looks random (not public, cache or "
			   "partition keys)",
	},
	[R_CREDENTIAL] = {
		.id = "credential",
		.summary = "values of keys named credential(s), random-looking auth values, and SASL "
			   "responses in protocol logs (AUTH PLAIN base64, Dovecot's resp=)",
		/* base64 of "authzid\0user\0password" (XOAUTH2: "user=...\1auth=Bearer ...") */
		.pattern = "(?i:AUTH(?:ENTICATE)?[ \t]+(?:PLAIN|XOAUTH2|OAUTHBEARER)[ \t]+|resp=)"
			   "([A-Za-z0-9+/]{8,}={0,2})(?![A-Za-z0-9+/=])",
		.group = 1,
		.triggers = "~AUTH PLAIN |~AUTHENTICATE PLAIN |~AUTH XOAUTH2 |~AUTHENTICATE XOAUTH2 |"
			    "~AUTH OAUTHBEARER |~AUTHENTICATE OAUTHBEARER |~resp=",
		.check = check_sasl_response,
	},
	[R_SESSION_ID] = {
		.id = "session-id",
		.summary = "random-looking values of session, session_id, sid keys",
	},
	[R_SIGNATURE] = {
		.id = "signature",
		.summary = "random-looking values of sig and signature keys (signed URLs)",
	},
	[R_PASSWORD_HASH] = {
		.id = "password-hash",
		.summary = "password hashes, which crack offline: crypt's $1$, $5$, $6$, $2y$, $y$, "
			   "Apache's $apr1$, LDAP's {SSHA} ({SHA}, {SMD5}, ...) in shadow, htpasswd, "
			   "HAProxy and other user lists; Cisco's $8$ and $9$, and Junos' $9$ "
			   "(reversible) wherever they stand; Dovecot's {PLAIN} passwords",
		/*
		 * a salt and a hash (bcrypt's cost, sha-crypt's rounds= before
		 * them); Junos' $9$ has no salt of its own
		 */
		.pattern = "(?<![A-Za-z0-9_$./])(?:\\$(?:1|2[abxy]|5|6|7|8|9|y|gy|apr1|md5|sha1)\\$"
			   "[A-Za-z0-9./=,]+(?:\\$[A-Za-z0-9./=,]*){1,3}"
			   "|\\$9\\$[A-Za-z0-9./-]{16,}"
			   "|(?i:\\{(?:PLAIN|CLEARTEXT|CLEAR|PLAIN-TRUNC)\\})[^\\s:]+"
			   "|(?i:\\{(?:SSHA|SHA|SSHA256|SSHA512|SHA256|SHA512|SMD5|MD5)\\})"
			   "[A-Za-z0-9+/]{16,}={0,2})(?![A-Za-z0-9+/=$._-])",
		.triggers = "$1$|$2a$|$2b$|$2x$|$2y$|$5$|$6$|$7$|$8$|$9$|$y$|$gy$|$apr1$|$md5$|$sha1$|"
			    "~{PLAIN}|~{CLEARTEXT}|~{CLEAR}|~{PLAIN-TRUNC}|"
			    "~{SHA}|~{SSHA|~{SHA256}|~{SHA512}|~{SMD5}|~{MD5}",
		.check = check_password_hash,
	},
	[R_HIGH_ENTROPY] = {
		.id = "high-entropy",
		.summary = "any random-looking token of 32+ characters mixing cases and digits (off by default)",
		/*
		 * It ends at a character no token holds, unless its last digits
		 * are an IPv4 address's first number: then before them (a
		 * pseudonym's number is longer, ".../1.2.3.4" and ".../243.x.y.z").
		 */
		.pattern = "(?<![A-Za-z0-9+/_-])[A-Za-z0-9][A-Za-z0-9+/_-]{31,}"
			   "(?:(?![A-Za-z0-9+/_-])(?:(?<![0-9])|(?<=[0-9]{4})|(?!" IPV4_REST "))"
			   "|(?<![0-9])(?=[0-9]{1,3}" IPV4_REST "))",
		.check = check_high_entropy,
		.off = true,
		.every = true,
	},
};
