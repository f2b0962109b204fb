/*
 * commands.h - the subcommand table: every command lattop has, with its
 * synopsis, summary and run function. main() finds the command and runs
 * it; --help, the man page and the bash completion list commands from here
 * (their options come from the option table, core/options.h).
 */
#ifndef LATTOP_COMMANDS_H
#define LATTOP_COMMANDS_H

#include <stdbool.h>

#include "core/options.h"

struct command_ctx {
	int argc;		/* own parser: argv[0] is the command word */
	char **argv;
	struct options *o;	/* parsed options; NULL for a command with its own parser */
	unsigned int closed_fds;	/* bit i: fd i was closed at start */
};

struct command {
	enum options_command id;	/* its options: rows with OPTIONS_CMD(id) */
	const char *name;		/* "" for live (no word) */
	const char *usage;		/* synopsis after "lattop " */
	const char *summary;		/* one paragraph, lines of at most 80 columns */
	bool own_parser;		/* compare, run: get argv as given */
	int (*run)(const struct command_ctx *ctx);	/* exit status 0, 1 or 2 */
};

/* All commands, live first; *@n of them. */
const struct command *commands_all(unsigned int *n);

/* The command whose word is @word (NULL: no word) or live when @word is no command word. */
const struct command *commands_find(const char *word);

#endif
