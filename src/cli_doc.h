/*
 * cli_doc.h - the man page (section 8, troff) and the bash completion,
 * generated from the command table (commands.h) and the option table
 * (core/options.h): `lattop --man`, `lattop --bash-completion` (hidden
 * options the Makefile runs).
 */
#ifndef LATTOP_CLI_DOC_H
#define LATTOP_CLI_DOC_H

#include <stdio.h>

/* 0, or -errno when writing failed. */
int cli_doc_man(FILE *out);
int cli_doc_bash(FILE *out);

#endif
