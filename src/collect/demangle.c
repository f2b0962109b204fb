/* demangle.c - C++ names demangled (see demangle.h). */
#include "collect/demangle.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* libstdc++'s demangler (C linkage); -lstdc++ in the Makefile. */
char *__cxa_demangle(const char *mangled, char *buf, size_t *len, int *status);

void demangle_sym(const char *sym, char *buf, size_t len)
{
	int status = -1;
	char *d = NULL;

	if (!len)
		return;
	/* Itanium C++ ABI names start with _Z; anything else is left alone (C names). */
	if (!strncmp(sym, "_Z", 2))
		d = __cxa_demangle(sym, NULL, NULL, &status);
	snprintf(buf, len, "%s", d && !status ? d : sym);
	free(d);
}
