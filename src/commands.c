/* commands.c - the subcommand table (see commands.h). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd_compare.h"
#include "cmd_fleet.h"
#include "cmd_live.h"
#include "cmd_rec.h"
#include "cmd_run.h"
#include "commands.h"

static int run_live(const struct command_ctx *ctx)
{
	return cmd_live(ctx->argc, ctx->argv, ctx->o, ctx->closed_fds);
}

static int run_export(const struct command_ctx *ctx)
{
	if (!ctx->o->out_path && (ctx->closed_fds & 2)) {
		fprintf(stderr, "lattop: stdout is closed: nothing to export to (use -o FILE)\n");
		return 1;
	}
	return cmd_export(ctx->o);
}

static int run_fleet(const struct command_ctx *ctx)
{
	return cmd_fleet(ctx->o);
}

static int run_compare(const struct command_ctx *ctx)
{
	return cmd_compare(ctx->argc, ctx->argv);
}

static int run_run(const struct command_ctx *ctx)
{
	return cmd_run(ctx->argc, ctx->argv);
}

static const struct command commands[] = {
	{ CMD_LIVE, "", "[OPTIONS]",
	  "Live syscall latency: DTrace-style quantize histograms per process and syscall,\n"
	  "and TCP connection and request latency per client address: the dashboard on a\n"
	  "terminal, batch text (-b) or JSON Lines (--json) otherwise.", false, run_live },
	{ CMD_RECORD, "record", "record -o FILE [-d SECONDS] [--samples] [OPTIONS]",
	  "Every tick into a new FILE (live, or --simulate); stdout stays quiet unless\n"
	  "-b, --json or --ui is given.", false, run_live },
	{ CMD_REPLAY, "replay", "replay FILE [--speed N|max] [-b|--json|--ui] [OPTIONS]",
	  "A recording through the dashboard, batch text or JSON (no root needed).", false,
	  run_live },
	{ CMD_EXPORT, "export", "export FILE --csv|--json [--samples] [-o OUT]",
	  "Per-tick rows of a recording: --csv (one row per tick and syscall row or\n"
	  "client), --json (as replay --json), or with --samples the raw samples as CSV.",
	  false, run_export },
	{ CMD_SERVE, "serve", "serve [--listen ADDR:PORT] [OPTIONS]",
	  "Headless: live tracing with only the Prometheus metrics endpoint (default\n"
	  "127.0.0.1:9851), no dashboard and no per-tick output; one line on stderr per\n"
	  "start, stop or error. For systemd (lattop.service).", false, run_live },
	{ CMD_FLEET, "fleet", "fleet --prometheus URL [OPTIONS]",
	  "The dashboard over many hosts, from Prometheus's copies of lattop's metrics.",
	  false, run_fleet },
	{ CMD_COMPARE, "compare", "compare BASELINE CURRENT [OPTIONS]",
	  "Compare two runs' latency per event, syscall and client; exit 1 on a regression\n"
	  "(lattop compare --help).", true, run_compare },
	{ CMD_RUN, "run", "run [--assert EXPR]... [--all] [OPTIONS] -- COMMAND [ARGS...]",
	  "Run COMMAND, time its syscalls and those of every process it starts, and\n"
	  "check assertions on them (lattop run --help).", true, run_run },
};

const struct command *commands_all(unsigned int *n)
{
	*n = sizeof(commands) / sizeof(commands[0]);
	return commands;
}

const struct command *commands_find(const char *word)
{
	for (unsigned int i = 1; word && i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(word, commands[i].name))
			return &commands[i];
	return &commands[0];
}
