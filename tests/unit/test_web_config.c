/*
 * test_web_config.c - the --web-config subset: what operators write parses,
 * everything else is refused with its line number, never silently ignored.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/web_config.h"

#define HASH_A "$2y$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy"
#define HASH_B "$2b$12$RMe8XuA4l9PkM.roPyMbHe4xXNmmNWJ5z4uOLF1WDvd5c5El7ACeu"

static struct web_config wc;
static char err[256];

static int parse(const char *text)
{
	err[0] = '\0';
	return web_config_parse(&wc, text, strlen(text), err, sizeof(err));
}

/* Refused, and the message names @line and contains @what. */
static void refused(const char *text, unsigned int line, const char *what)
{
	char want[32];

	assert_int_equal(parse(text), -22);
	snprintf(want, sizeof(want), "line %u: ", line);
	if (line && strncmp(err, want, strlen(want)))
		fail_msg("want '%s...', got '%s' for:\n%s", want, err, text);
	if (!strstr(err, what))
		fail_msg("want '%s' in '%s' for:\n%s", what, err, text);
	/* Nothing half-parsed is left for a caller that ignores the error. */
	assert_int_equal(wc.n_users, 0);
	assert_string_equal(wc.cert_file, "");
}

static void test_prometheus_example(void **state)
{
	(void)state;
	/* As exporter-toolkit's docs write it, comments and quoting included. */
	assert_int_equal(parse("# lattop web config\n"
			       "tls_server_config:\n"
			       "  # the certificate\n"
			       "  cert_file: /etc/lattop/cert.pem   # PEM\n"
			       "  key_file: \"/etc/lattop/key #1.pem\"\n"
			       "\n"
			       "basic_auth_users:\n"
			       "  prometheus: " HASH_A "\n"
			       "  'al''ice': '" HASH_B "'\n"), 0);
	assert_string_equal(wc.cert_file, "/etc/lattop/cert.pem");
	assert_string_equal(wc.key_file, "/etc/lattop/key #1.pem");
	assert_true(web_config_has_tls(&wc));
	assert_int_equal(wc.n_users, 2);
	assert_string_equal(wc.users[0].name, "prometheus");
	assert_string_equal(wc.users[0].hash, HASH_A);
	assert_string_equal(wc.users[1].name, "al'ice");
	assert_string_equal(wc.users[1].hash, HASH_B);
}

static void test_sections_alone_and_empty(void **state)
{
	(void)state;
	assert_int_equal(parse(""), 0);
	assert_int_equal(wc.n_users, 0);
	assert_false(web_config_has_tls(&wc));
	assert_int_equal(parse("basic_auth_users:\n    u: " HASH_A "\r\n"), 0);
	assert_int_equal(wc.n_users, 1);
	assert_false(web_config_has_tls(&wc));
	assert_int_equal(parse("tls_server_config:\n cert_file: c\n key_file: k"), 0);
	assert_string_equal(wc.key_file, "k");
	assert_int_equal(wc.n_users, 0);
	/* An empty basic_auth_users is YAML null: no users. */
	assert_int_equal(parse("basic_auth_users:\n# none yet\n"), 0);
	assert_int_equal(wc.n_users, 0);
}

static void test_refused_with_line(void **state)
{
	(void)state;
	refused("tls_server_config:\n  cert_file: c\n  key_file: k\n  min_version: TLS13\n", 4,
		"'min_version' is not supported");
	refused("tls_server_config:\n  cert_file: c\n  client_auth_type: RequireAndVerifyClientCert\n",
		3, "not supported");
	refused("http_server_config:\n  http2: false\n", 1, "http_server_config is not supported");
	refused("basic_auth_user:\n", 1, "unknown key 'basic_auth_user'");
	refused("basic_auth_users:\n  u: hunter2\n", 2, "bcrypt");
	refused("basic_auth_users:\n  u: $1$abc$def\n", 2, "bcrypt");
	refused("basic_auth_users:\n  u: " HASH_A "\n  u: " HASH_B "\n", 3, "given twice");
	refused("basic_auth_users:\n  u: " HASH_A "\nbasic_auth_users:\n", 3, "given twice");
	refused("basic_auth_users:\n  u: " HASH_A "\n    v: " HASH_B "\n", 3, "indentation 4");
	refused("basic_auth_users:\n\tu: " HASH_A "\n", 2, "tab");
	refused("  cert_file: c\n", 1, "outside a section");
	refused("tls_server_config: {cert_file: c}\n", 1, "not a value");
	refused("tls_server_config:\n  cert_file: [c]\n", 2, "flow style");
	refused("tls_server_config:\n  cert_file: &a c\n", 2, "anchors");
	refused("tls_server_config:\n  cert_file: |\n", 2, "block scalars");
	refused("tls_server_config:\n  cert_file:\n", 2, "needs a value");
	refused("tls_server_config:\n  cert_file: 'c\n", 2, "unterminated quote");
	refused("tls_server_config:\n  cert_file: 'c' x\n", 2, "after the closing quote");
	refused("tls_server_config:\n  cert_file: \"c\\n\"\n", 2, "escapes");
	refused("tls_server_config:\n  cert_file:c\n", 2, "space after ':'");
	refused("tls_server_config\n", 1, "want KEY: VALUE");
	refused("---\nbasic_auth_users:\n", 1, "one YAML document");
	refused("basic_auth_users:\n  - u\n", 2, "want KEY: VALUE");
	refused("basic_auth_users:\n  'a:b': " HASH_A "\n", 2, "cannot contain ':'");
	refused("basic_auth_users:\n  u: " HASH_A "\n\n  x\001: " HASH_B "\n", 4, "control");
	/* Half a TLS config is not TLS. */
	refused("tls_server_config:\n  cert_file: c\n", 0, "needs both cert_file and key_file");
}

static void test_nul_and_limits(void **state)
{
	static char big[WEB_CONFIG_PATH_MAX + 64];
	const char text[] = "basic_auth_users:\n  u: " HASH_A "\n\0x: y\n";
	size_t n;

	(void)state;
	assert_int_equal(web_config_parse(&wc, text, sizeof(text) - 1, err, sizeof(err)), -22);
	assert_non_null(strstr(err, "line 3: NUL"));
	n = (size_t)snprintf(big, sizeof(big), "tls_server_config:\n  cert_file: ");
	memset(big + n, 'a', sizeof(big) - n - 1);
	refused(big, 2, "too long");
	/* A bcrypt cost out of range, a hash one character short or with a bad character. */
	refused("basic_auth_users:\n  u: $2y$32$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy\n",
		2, "bcrypt");
	refused("basic_auth_users:\n  u: $2y$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhW\n",
		2, "bcrypt");
	refused("basic_auth_users:\n  u: $2y$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lh_y\n",
		2, "bcrypt");
}

static void test_many_users(void **state)
{
	static char text[WEB_CONFIG_MAX_USERS * 80 + 128];
	size_t n;

	(void)state;
	n = (size_t)snprintf(text, sizeof(text), "basic_auth_users:\n");
	for (int i = 0; i < WEB_CONFIG_MAX_USERS; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "  u%d: %s\n", i, HASH_A);
	assert_int_equal(parse(text), 0);
	assert_int_equal(wc.n_users, WEB_CONFIG_MAX_USERS);
	assert_string_equal(wc.users[WEB_CONFIG_MAX_USERS - 1].name, "u63");
	snprintf(text + n, sizeof(text) - n, "  extra: %s\n", HASH_A);
	refused(text, WEB_CONFIG_MAX_USERS + 2, "too many");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prometheus_example),
		cmocka_unit_test(test_sections_alone_and_empty),
		cmocka_unit_test(test_refused_with_line),
		cmocka_unit_test(test_nul_and_limits),
		cmocka_unit_test(test_many_users),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
