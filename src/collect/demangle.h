/*
 * demangle.h - C++ symbol names as people read them ("_ZN3app7handlerEi"
 * -> "app::handler(int)"), through libstdc++'s __cxa_demangle (-lstdc++).
 * Names come from ELF files of the traced system: untrusted, and shown only
 * after sanitising. Any thread (the demangler allocates, keeps no state).
 */
#ifndef LATTOP_COLLECT_DEMANGLE_H
#define LATTOP_COLLECT_DEMANGLE_H

#include <stddef.h>

/*
 * @sym demangled into @buf (@len bytes, cut to fit, always terminated when
 * @len > 0); a name that is not a mangled C++ name, or does not demangle,
 * is copied as it is.
 */
void demangle_sym(const char *sym, char *buf, size_t len);

#endif
