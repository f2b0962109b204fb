/* test_options.c - command-line parsing: values, floors, and one-line errors. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/options.h"
#include "core/sim.h"
#include "core/syscall_names.h"

#define ARGV(...) ((char *[]){ "lattop", __VA_ARGS__, NULL })
#define ARGC(...) ((int)(sizeof((char *[]){ "lattop", __VA_ARGS__ }) / sizeof(char *)))
#define PARSE(o, err, ...) options_parse(o, ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), err, sizeof(err))

static void test_defaults(void **state)
{
	struct options o;
	char err[OPTIONS_ERR_LEN];

	(void)state;
	options_defaults(&o);
	assert_int_equal(options_parse(&o, 1, (char *[]){ "lattop", NULL }, err, sizeof(err)), 0);
	assert_int_equal(o.interval_ns, 1000000000ull);
	assert_int_equal(o.sample_every, 1);
	assert_int_equal(o.output, OUTPUT_AUTO);
	assert_false(o.cumulative);
}

static void test_interval(void **state)
{
	struct options o;
	char err[OPTIONS_ERR_LEN];

	(void)state;
	options_defaults(&o);
	assert_int_equal(PARSE(&o, err, "-i", "2.5"), 0);
	assert_int_equal(o.interval_ns, 2500000000ull);
	options_defaults(&o);
	assert_int_equal(PARSE(&o, err, "--interval", "0.01"), 0);
	assert_int_equal(o.interval_ns, 100000000ull); /* floored at 0.1 s */
	char *bad[] = { "0", "-1", "abc", "1s", "", "nan", "inf" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		options_defaults(&o);
		assert_int_equal(PARSE(&o, err, "-i", bad[i]), -EINVAL);
		assert_non_null(strstr(err, "interval"));
	}
}

static void test_filters(void **state)
{
	struct options o;
	char err[OPTIONS_ERR_LEN];

	(void)state;
	options_defaults(&o);
	assert_int_equal(PARSE(&o, err, "-p", "12", "--pid", "34", "-c", "nginx", "-s", "read",
			       "--syscall", "sys_write"), 0);
	assert_int_equal(o.n_pids, 2);
	assert_int_equal(o.pids[0], 12);
	assert_int_equal(o.pids[1], 34);
	assert_string_equal(o.comm, "nginx");
	assert_int_equal(o.n_sys, 2);
	assert_int_equal(o.sys_nrs[0], (uint32_t)syscall_lookup("read"));
	assert_int_equal(o.sys_nrs[1], (uint32_t)syscall_lookup("write"));
}

static void test_errors(void **state)
{
	struct options o;
	char err[OPTIONS_ERR_LEN];

	(void)state;
	options_defaults(&o);
	assert_int_equal(PARSE(&o, err, "-s", "no_such_call"), -EINVAL);
	assert_string_equal(err, "unknown syscall 'no_such_call'");
	options_defaults(&o);
	assert_int_equal(PARSE(&o, err, "--bogus"), -EINVAL);
	assert_string_equal(err, "unknown option '--bogus'");
	options_defaults(&o);
	assert_int_equal(PARSE(&o, err, "-x"), -EINVAL);
	assert_string_equal(err, "unknown option '-x'");
	options_defaults(&o);
	assert_int_equal(PARSE(&o, err, "-p", "0"), -EINVAL);
	options_defaults(&o);
	assert_int_equal(PARSE(&o, err, "-p", "-5"), -EINVAL);
	options_defaults(&o);
	assert_int_equal(PARSE(&o, err, "-n", "0"), -EINVAL);
	options_defaults(&o);
	assert_int_equal(PARSE(&o, err, "-c", "a_name_longer_than_15"), -EINVAL);
	options_defaults(&o);
	assert_int_equal(PARSE(&o, err, "stray"), -EINVAL);
	assert_string_equal(err, "unexpected argument 'stray'");
	options_defaults(&o);
	assert_int_equal(PARSE(&o, err, "-i"), -EINVAL);
	assert_non_null(strstr(err, "needs a value"));
	options_defaults(&o);
	assert_int_equal(PARSE(&o, err, "--sample", "0"), -EINVAL);
}

static void test_modes(void **state)
{
	struct options o;
	char err[OPTIONS_ERR_LEN];

	(void)state;
	options_defaults(&o);
	assert_int_equal(PARSE(&o, err, "--json", "--cumulative", "--simulate", "--seed", "42",
			       "--sample", "8", "-n", "3"), 0);
	assert_int_equal(o.output, OUTPUT_JSON);
	assert_true(o.cumulative);
	assert_true(o.simulate);
	assert_int_equal(o.seed, 42);
	assert_int_equal(o.sample_every, 8);
	assert_int_equal(o.iterations, 3);
	options_defaults(&o);
	assert_int_equal(PARSE(&o, err, "-b"), 0);
	assert_int_equal(o.output, OUTPUT_BATCH);
}

/* --simulate [PROFILE]: separate word or =, absent, or followed by other options. */
static void test_simulate_profiles(void **state)
{
	struct options o;
	char err[OPTIONS_ERR_LEN];

	(void)state;
	options_defaults(&o);
	assert_int_equal(PARSE(&o, err, "--simulate"), 0);
	assert_true(o.simulate);
	assert_int_equal(o.sim_profile, SIM_STEADY);
	options_defaults(&o);
	assert_int_equal(PARSE(&o, err, "--simulate", "--seed", "7"), 0);
	assert_int_equal(o.sim_profile, SIM_STEADY);
	assert_int_equal(o.seed, 7);
	options_defaults(&o);
	assert_int_equal(PARSE(&o, err, "--simulate", "spike", "-i", "0.2"), 0);
	assert_int_equal(o.sim_profile, SIM_SPIKE);
	assert_int_equal(o.interval_ns, 200000000ull);
	options_defaults(&o);
	assert_int_equal(PARSE(&o, err, "-n", "2", "--simulate", "many-clients"), 0);
	assert_int_equal(o.sim_profile, SIM_MANY_CLIENTS);
	assert_int_equal(o.iterations, 2);
	options_defaults(&o);
	assert_int_equal(PARSE(&o, err, "--simulate=regression", "--seed", "3"), 0);
	assert_int_equal(o.sim_profile, SIM_REGRESSION);
	assert_int_equal(o.seed, 3);
	options_defaults(&o);
	assert_int_equal(PARSE(&o, err, "--simulate=steady"), 0);
	assert_true(o.simulate);
	assert_int_equal(o.sim_profile, SIM_STEADY);

	/* an unknown name after = is an error naming the profiles */
	options_defaults(&o);
	assert_int_equal(PARSE(&o, err, "--simulate=burst"), -EINVAL);
	assert_non_null(strstr(err, "'burst'"));
	assert_non_null(strstr(err, "steady, spike, regression, many-clients"));
	options_defaults(&o);
	assert_int_equal(PARSE(&o, err, "--simulate="), -EINVAL);
	/* a separate word is the profile unless it is an option: misspelt, it is named */
	options_defaults(&o);
	assert_int_equal(PARSE(&o, err, "--simulate", "burst"), -EINVAL);
	assert_non_null(strstr(err, "unknown --simulate profile 'burst': want one of steady,"));
	options_defaults(&o);
	assert_int_equal(PARSE(&o, err, "--simulate", "-b"), 0);
	assert_int_equal(o.output, OUTPUT_BATCH);
	assert_int_equal(o.sim_profile, SIM_STEADY);
	options_defaults(&o);
	assert_int_equal(PARSE(&o, err, "--simulate", "--", "steady"), -EINVAL);
	assert_non_null(strstr(err, "unexpected argument 'steady'"));
	/* profile names are exact */
	options_defaults(&o);
	assert_int_equal(PARSE(&o, err, "--simulate=Spike"), -EINVAL);
	/* the usage text lists them */
	static char help[8192];

	options_help_cmd(CMD_LIVE, 0, help, sizeof(help));
	assert_non_null(strstr(help, "many-clients"));
}

/* Subcommands: the word first, their options, and what belongs to which. */
static void test_commands(void **state)
{
	struct options o;
	char err[OPTIONS_ERR_LEN];

	(void)state;
	options_defaults(&o);
	assert_int_equal(PARSE(&o, err, "record", "-o", "x.rec", "-d", "2", "-i", "0.5", "--json",
			       "--simulate"), 0);
	assert_int_equal(o.command, CMD_RECORD);
	assert_string_equal(o.out_path, "x.rec");
	assert_int_equal(o.duration_ns, 2000000000ull);
	assert_int_equal(o.iterations, 4);	/* -d as ticks */
	assert_int_equal(o.output, OUTPUT_JSON);
	assert_true(o.simulate);
	options_defaults(&o);
	assert_int_equal(PARSE(&o, err, "record", "-o", "x", "-d", "0.1", "-n", "7"), 0);
	assert_int_equal(o.iterations, 7);	/* -n wins */
	options_defaults(&o);
	assert_int_equal(PARSE(&o, err, "record", "-o", "x", "-d", "0.2"), 0);
	assert_int_equal(o.iterations, 1);	/* at least one tick */
	options_defaults(&o);
	assert_int_equal(PARSE(&o, err, "record", "--json"), -EINVAL);
	assert_string_equal(err, "record needs -o FILE");
	options_defaults(&o);
	assert_int_equal(PARSE(&o, err, "record", "-o", "x", "--samples", "--simulate"), -EINVAL);
	options_defaults(&o);
	assert_int_equal(PARSE(&o, err, "record", "-o", "x", "--samples", "--csv", "y"), -EINVAL);

	options_defaults(&o);
	assert_int_equal(PARSE(&o, err, "replay", "f.rec", "--speed", "0", "--json"), 0);
	assert_int_equal(o.command, CMD_REPLAY);
	assert_string_equal(o.in_path, "f.rec");
	assert_true(o.speed == 0.0);
	options_defaults(&o);
	assert_int_equal(PARSE(&o, err, "replay", "--speed", "max", "f.rec"), 0);
	assert_true(o.speed == 0.0);
	assert_string_equal(o.in_path, "f.rec");
	options_defaults(&o);
	assert_int_equal(PARSE(&o, err, "replay", "f.rec"), 0);
	assert_true(o.speed == 1.0);
	options_defaults(&o);
	assert_int_equal(PARSE(&o, err, "replay", "f.rec", "--speed", "-1"), -EINVAL);
	options_defaults(&o);
	assert_int_equal(PARSE(&o, err, "replay", "f.rec", "--speed", "fast"), -EINVAL);
	options_defaults(&o);
	assert_int_equal(PARSE(&o, err, "replay"), -EINVAL);
	assert_string_equal(err, "replay needs a recording FILE");
	options_defaults(&o);
	assert_int_equal(PARSE(&o, err, "replay", "a", "b"), -EINVAL);
	assert_string_equal(err, "unexpected argument 'b'");
	options_defaults(&o);
	assert_int_equal(PARSE(&o, err, "replay", "a", "--simulate"), -EINVAL);

	/* export: --csv is a format here, not a file */
	options_defaults(&o);
	assert_int_equal(PARSE(&o, err, "export", "f.rec", "--csv", "-o", "out.csv"), 0);
	assert_int_equal(o.command, CMD_EXPORT);
	assert_int_equal(o.export_format, EXPORT_CSV);
	assert_string_equal(o.in_path, "f.rec");
	assert_string_equal(o.out_path, "out.csv");
	assert_null(o.csv_path);
	options_defaults(&o);
	assert_int_equal(PARSE(&o, err, "export", "--json", "f.rec"), 0);
	assert_int_equal(o.export_format, EXPORT_JSON);
	assert_int_equal(o.output, OUTPUT_AUTO);
	options_defaults(&o);
	assert_int_equal(PARSE(&o, err, "export", "f.rec", "--csv", "--samples"), 0);
	assert_true(o.samples);
	options_defaults(&o);
	assert_int_equal(PARSE(&o, err, "export", "f.rec"), -EINVAL);
	assert_string_equal(err, "export needs --csv or --json");
	options_defaults(&o);
	assert_int_equal(PARSE(&o, err, "export", "f.rec", "--csv", "--json"), -EINVAL);
	options_defaults(&o);
	assert_int_equal(PARSE(&o, err, "export", "f.rec", "--json", "--samples"), -EINVAL);

	/* Options of one command are refused elsewhere; the live mode is unchanged. */
	options_defaults(&o);
	assert_int_equal(PARSE(&o, err, "-o", "x"), -EINVAL);
	options_defaults(&o);
	assert_int_equal(PARSE(&o, err, "--speed", "2"), -EINVAL);
	options_defaults(&o);
	assert_int_equal(PARSE(&o, err, "-d", "2"), -EINVAL);
	options_defaults(&o);
	assert_int_equal(PARSE(&o, err, "export", "f", "--csv", "-d", "2"), -EINVAL);
	options_defaults(&o);
	assert_int_equal(PARSE(&o, err, "--samples"), -EINVAL);
	options_defaults(&o);
	assert_int_equal(PARSE(&o, err, "record"), -EINVAL);
	options_defaults(&o);
	assert_int_equal(PARSE(&o, err, "--csv", "s.csv"), 0);
	assert_int_equal(o.command, CMD_LIVE);
	assert_string_equal(o.csv_path, "s.csv");
	/* The word only counts first. */
	options_defaults(&o);
	assert_int_equal(PARSE(&o, err, "-b", "replay"), -EINVAL);
}

/* The option table: every row is an option the parser knows; per-command help picks by command. */
static void test_table(void **state)
{
	size_t n;
	const struct options_spec *t = options_specs(&n);
	static char help[8192];
	struct options o;
	char err[OPTIONS_ERR_LEN], opt[64];

	(void)state;
	assert_true(n > 40);
	for (size_t i = 0; i < n; i++) {
		/* unknown option would say so; any other complaint is about the value */
		snprintf(opt, sizeof(opt), "--%s", t[i].name);
		options_defaults(&o);
		char *argv[] = { "lattop", opt, "x", NULL };
		int argc = t[i].arg == OPTIONS_ARG_REQUIRED ? 3 : 2;

		argv[argc] = NULL;
		options_parse(&o, argc, argv, err, sizeof(err));
		assert_null(strstr(err, "unknown option"));
		assert_true(t[i].cmds || !strcmp(t[i].name, "man") ||
			    !strcmp(t[i].name, "bash-completion"));
		assert_true((t[i].arg_name != NULL) == (t[i].arg != OPTIONS_ARG_NONE));
	}
	assert_true(options_help_cmd(CMD_SERVE, 0, help, sizeof(help)) < sizeof(help));
	assert_non_null(strstr(help, "--listen ADDR:PORT"));
	assert_non_null(strstr(help, "--metrics-buckets"));
	assert_null(strstr(help, "--speed"));
	assert_null(strstr(help, "--prometheus"));
	assert_null(strstr(help, "--man"));	/* hidden */
	options_help_cmd(CMD_REPLAY, 0, help, sizeof(help));
	assert_non_null(strstr(help, "--speed N|max"));
	assert_null(strstr(help, "--listen"));
	/* too small a buffer: truncated, and the length needed said */
	assert_true(options_help_cmd(CMD_LIVE, 0, help, 16) > 16);
	assert_int_equal(strlen(help), 15);
	/* hidden generators parse, and stop the command checks like --help */
	options_defaults(&o);
	assert_int_equal(PARSE(&o, err, "--man"), 0);
	assert_true(o.show_man);
	options_defaults(&o);
	assert_int_equal(PARSE(&o, err, "serve", "--bash-completion"), 0);
	assert_true(o.show_completion);
	assert_int_equal(o.command, CMD_SERVE);
	/* the table's commands are enforced, after check_command's own messages */
	options_defaults(&o);
	assert_int_equal(PARSE(&o, err, "replay", "f.rec", "-i", "2"), -EINVAL);
	assert_string_equal(err, "-i/--interval is not an option of 'replay'");
	options_defaults(&o);
	assert_int_equal(PARSE(&o, err, "serve", "--theme", "mono"), -EINVAL);
	assert_string_equal(err, "--theme is not an option of 'serve'");
	options_defaults(&o);
	assert_int_equal(PARSE(&o, err, "serve", "-b"), -EINVAL);
	assert_string_equal(err, "serve writes no report: no -b, --json or --ui");
	options_defaults(&o);
	assert_int_equal(PARSE(&o, err, "serve", "--simulate", "-i", "0.5", "--host-label", "a",
			       "--metrics-buckets", "fine", "-c", "nginx"), 0);
	assert_int_equal(o.output, OUTPUT_NONE);
	options_defaults(&o);
	assert_int_equal(PARSE(&o, err, "export", "f.rec", "--json", "-s", "read"), 0);
	options_defaults(&o);
	assert_int_equal(PARSE(&o, err, "replay", "f.rec", "--help"), 0);	/* help: no checks */
	assert_string_equal(options_command_name(CMD_COMPARE), "compare");
	assert_null(options_command_name(CMD_COUNT));
}

/* Calls newer than the build host's headers still have names (x86_64). */
static void test_newer_syscall_names(void **state)
{
	(void)state;
#if defined(__x86_64__)
	assert_string_equal(syscall_name(335), "uretprobe");
	assert_int_equal(syscall_lookup("uretprobe"), 335);
	assert_string_equal(syscall_name(462), "mseal");
	assert_int_equal(syscall_lookup("sys_335"), 335);
#endif
	assert_string_equal(syscall_name(0), "read");
	assert_null(syscall_name(4000));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults), cmocka_unit_test(test_interval),
		cmocka_unit_test(test_filters), cmocka_unit_test(test_errors),
		cmocka_unit_test(test_modes), cmocka_unit_test(test_simulate_profiles),
		cmocka_unit_test(test_commands), cmocka_unit_test(test_table),
		cmocka_unit_test(test_newer_syscall_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
