/*
 * fntarget_lib.c - the shared library fn_target calls (libfntarget.so), so
 * that a uprobe on a library function ("-u libfntarget.so:fntarget_lib_work"
 * or the .so's path) has an exact count to check.
 */
#include "fntarget_lib.h"

/* volatile: the loop must not be folded, the call must not be inlined. */
__attribute__((noinline)) long fntarget_lib_work(long x)
{
	volatile long acc = x;

	for (int i = 0; i < 16; i++)
		acc += i;
	return acc;
}
