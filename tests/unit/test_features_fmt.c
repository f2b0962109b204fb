/*
 * test_features_fmt.c - the --features report (core/host_features,
 * export/features_fmt): the verdict (ready only when every required item
 * works, and at least one is required), the text layout, and JSON that an
 * independent parser (jansson) reads back with every field, with hostile
 * strings (quotes, newlines, escape sequences, invalid UTF-8) sanitised.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "core/host_features.h"
#include "export/features_fmt.h"

static void sample(struct hf_report *r, bool syscalls_ok)
{
	struct hf_item *it;

	memset(r, 0, sizeof(*r));
	snprintf(r->version, sizeof(r->version), "0.1.0");
	snprintf(r->host, sizeof(r->host), "web\"1\n\x1b[31m\xff");
	snprintf(r->kernel, sizeof(r->kernel), "6.1.0");
	it = syscalls_ok ? hf_add(r, HF_FAMILY, "syscalls", true, "syscalls: tp_btf") :
			   hf_add(r, HF_FAMILY, "syscalls", false, "cannot load: %s", "EPERM");
	assert_non_null(it);
	it->required = true;
	assert_non_null(hf_add(r, HF_FAMILY, "block", false, "missing block_rq_issue"));
	assert_non_null(hf_add(r, HF_ATTACH, "tp_btf", true, "attached"));
	assert_non_null(hf_add(r, HF_ATTACH, "kprobe", false, "no kprobe PMU \"x\"\\y"));
	it = hf_add(r, HF_KERNEL, "cgroup_v2", true, "hybrid: %u v1", 9u);
	assert_non_null(it);
	snprintf(it->path, sizeof(it->path), "/sys/fs/cgroup/unified");
	assert_non_null(hf_add(r, HF_PRIV, "root", true, "uid 0"));
}

static char *render(const struct hf_report *r, bool json)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(json ? features_write_json(f, r) : features_write_text(f, r), 0);
	fclose(f);
	return buf;
}

static void test_model(void **state)
{
	struct hf_report r;
	struct hf_item *it;

	(void)state;
	memset(&r, 0, sizeof(r));
	assert_false(hf_ready(&r));	/* nothing required was probed: not ready */
	assert_non_null(hf_add(&r, HF_ATTACH, "raw_tp", true, "x"));
	assert_false(hf_ready(&r));
	it = hf_add(&r, HF_FAMILY, "syscalls", true, "ok");
	it->required = true;
	assert_true(hf_ready(&r));
	it = hf_add(&r, HF_KERNEL, "btf", false, "unreadable");
	it->required = true;
	assert_false(hf_ready(&r));
	assert_ptr_equal(hf_find(&r, HF_KERNEL, "btf"), it);
	assert_null(hf_find(&r, HF_FAMILY, "btf"));
	assert_string_equal(it->reason, "unreadable");
	assert_string_equal(it->detail, "");
	while (r.n < HF_MAX_ITEMS)
		assert_non_null(hf_add(&r, HF_PRIV, "p", true, "x"));
	assert_null(hf_add(&r, HF_PRIV, "full", true, "x"));
	assert_string_equal(hf_group_name(HF_PRIV), "privileges");
}

static void test_text(void **state)
{
	struct hf_report r;
	char *t;

	(void)state;
	sample(&r, true);
	t = render(&r, false);
	assert_non_null(strstr(t, "lattop 0.1.0 on web\"1??[31m?, kernel 6.1.0: ready"));
	assert_non_null(strstr(t, "\nfamilies:\n  syscalls           ok  (required) syscalls: tp_btf\n"
				  "  block              no  missing block_rq_issue\n"));
	assert_non_null(strstr(t, "\nkernel:\n  cgroup_v2          ok  /sys/fs/cgroup/unified: "
				  "hybrid: 9 v1\n"));
	assert_null(strchr(t, '\x1b'));
	free(t);
	sample(&r, false);
	t = render(&r, false);
	assert_non_null(strstr(t, ": NOT READY: syscalls: cannot load: EPERM\n"));
	free(t);
}

static void test_json(void **state)
{
	struct hf_report r;
	json_error_t jerr;
	json_t *root, *it;
	char *t;

	(void)state;
	sample(&r, true);
	t = render(&r, true);
	assert_int_equal(t[strlen(t) - 1], '\n');
	assert_ptr_equal(strchr(t, '\n'), t + strlen(t) - 1);	/* one line */
	root = json_loads(t, 0, &jerr);
	if (!root)
		fail_msg("JSON does not parse: %s: %s", jerr.text, t);
	assert_true(json_is_true(json_object_get(root, "ready")));
	assert_string_equal(json_string_value(json_object_get(root, "host")), "web\"1??[31m?");
	assert_string_equal(json_string_value(json_object_get(root, "kernel_release")), "6.1.0");
	it = json_object_get(json_object_get(root, "families"), "syscalls");
	assert_true(json_is_true(json_object_get(it, "ok")));
	assert_true(json_is_true(json_object_get(it, "required")));
	assert_string_equal(json_string_value(json_object_get(it, "detail")), "syscalls: tp_btf");
	assert_null(json_object_get(it, "reason"));
	it = json_object_get(json_object_get(root, "attach"), "kprobe");
	assert_true(json_is_false(json_object_get(it, "ok")));
	assert_string_equal(json_string_value(json_object_get(it, "reason")),
			    "no kprobe PMU \"x\"\\y");
	it = json_object_get(json_object_get(root, "kernel"), "cgroup_v2");
	assert_string_equal(json_string_value(json_object_get(it, "path")),
			    "/sys/fs/cgroup/unified");
	assert_int_equal(json_object_size(json_object_get(root, "privileges")), 1);
	json_decref(root);
	free(t);

	sample(&r, false);
	t = render(&r, true);
	root = json_loads(t, 0, &jerr);
	assert_non_null(root);
	assert_true(json_is_false(json_object_get(root, "ready")));
	it = json_object_get(json_object_get(root, "families"), "syscalls");
	assert_string_equal(json_string_value(json_object_get(it, "reason")), "cannot load: EPERM");
	json_decref(root);
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
