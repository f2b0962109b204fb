/* fntarget_lib.h - the one function of libfntarget.so (see fntarget_lib.c). */
#ifndef FNTARGET_LIB_H
#define FNTARGET_LIB_H

long fntarget_lib_work(long x);

#endif
