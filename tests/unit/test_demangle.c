/* test_demangle.c - C++ names demangled, C names and bad input left as they are, cut to fit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "collect/demangle.h"

static void test_demangled(void **state)
{
	char buf[128];

	(void)state;
	/* fn_target's app::handler(int), and a nested template. */
	demangle_sym("_ZN3app7handlerEi", buf, sizeof(buf));
	assert_string_equal(buf, "app::handler(int)");
	demangle_sym("_ZNSt6vectorIiSaIiEE9push_backERKi", buf, sizeof(buf));
	assert_string_equal(buf, "std::vector<int, std::allocator<int> >::push_back(int const&)");
}

static void test_left_alone(void **state)
{
	char buf[64];

	(void)state;
	demangle_sym("slow_path", buf, sizeof(buf));
	assert_string_equal(buf, "slow_path");
	demangle_sym("", buf, sizeof(buf));
	assert_string_equal(buf, "");
	/* Starts like a mangled name but is not one: as it is. */
	demangle_sym("_Z!!garbage", buf, sizeof(buf));
	assert_string_equal(buf, "_Z!!garbage");
	demangle_sym("_Z", buf, sizeof(buf));
	assert_string_equal(buf, "_Z");
}

static void test_cut_to_fit(void **state)
{
	char buf[8];

	(void)state;
	memset(buf, 'x', sizeof(buf));
	demangle_sym("_ZN3app7handlerEi", buf, sizeof(buf));
	assert_string_equal(buf, "app::ha");
	/* @len 0: nothing written. */
	buf[0] = 'q';
	demangle_sym("_ZN3app7handlerEi", buf, 0);
	assert_int_equal(buf[0], 'q');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_demangled),
		cmocka_unit_test(test_left_alone),
		cmocka_unit_test(test_cut_to_fit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
