/*
 * main.c - finds the command (commands.c), parses the shared options once,
 * answers the informational options, runs the command and maps its result
 * to the exit status. The only place that exits.
 * Exit status: 0 ok, 1 runtime failure, 2 usage error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli_doc.h"
#include "cmd_features.h"
#include "commands.h"
#include "core/options.h"
#include "ui/ui.h"

#define HELP_MAX 8192

/*
 * Descriptors 0-2 that are closed are opened on /dev/null before any file
 * is, as daemons do, so that no output file can become fd 1. Bit i of the
 * result: fd i was closed.
 */
static unsigned int std_fds_fill(void)
{
	unsigned int closed = 0;

	for (int fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		closed |= 1u << fd;
		/* The lowest free descriptor: every lower one is open by now, so it is @fd. */
		(void)open("/dev/null", fd ? O_WRONLY : O_RDONLY);
	}
	return closed;
}

static void put_options(enum options_command cmd, unsigned int skip)
{
	static char buf[HELP_MAX];

	options_help_cmd(cmd, skip, buf, sizeof(buf));
	fputs(buf, stdout);
}

/* `lattop --help`: every command's synopsis, then the options, by command. */
static void help_all(void)
{
	unsigned int n, done = OPTIONS_CMD(CMD_LIVE);
	const struct command *c = commands_all(&n);

	for (unsigned int i = 0; i < n; i++)
		printf("%s lattop %s\n", i ? "      " : "Usage:", c[i].usage);
	printf("%s\n\n", c[0].summary);
	put_options(CMD_LIVE, 0);
	for (unsigned int i = 1; i < n; i++) {
		if (c[i].own_parser)
			continue;
		printf("\n%s: %s\n", c[i].name, c[i].summary);
		put_options(c[i].id, done);
		done |= OPTIONS_CMD(c[i].id);
	}
	fputs("\nExit status: 0 ok, 1 runtime failure, 2 usage error.\n", stdout);
}

/* `lattop COMMAND --help`: that command's synopsis and every option it takes. */
static void help_cmd(const struct command *c)
{
	printf("Usage: lattop %s\n%s\n\n", c->usage, c->summary);
	put_options(c->id, 0);
	fputs("\nExit status: 0 ok, 1 runtime failure, 2 usage error.\n", stdout);
}

/* Options that print something and end: 1 when one did (status in *@status). */
static int info_option(const struct options *o, const struct command *c, int *status)
{
	*status = 0;
	if (o->show_help) {
		if (o->command == CMD_LIVE)
			help_all();
		else
			help_cmd(c);
	} else if (o->show_man) {
		*status = cli_doc_man(stdout) ? 1 : 0;
	} else if (o->show_completion) {
		*status = cli_doc_bash(stdout) ? 1 : 0;
	} else if (o->show_keys) {
		ui_keys_markdown(stdout);
	} else if (o->show_columns) {
		ui_columns_markdown(stdout);
	} else if (o->show_version) {
		printf("lattop %s\n", LATTOP_VERSION);
	} else if (o->show_features) {
		*status = cmd_features(o);
	} else {
		return 0;
	}
	if (fflush(stdout) && errno != EPIPE) {
		fprintf(stderr, "lattop: cannot write to stdout: %s\n", strerror(errno));
		*status = 1;
	}
	return 1;
}

int main(int argc, char **argv)
{
	char err[OPTIONS_ERR_LEN];
	unsigned int closed_fds = std_fds_fill();
	const struct command *cmd = commands_find(argc > 1 ? argv[1] : NULL);
	struct command_ctx ctx = { argc, argv, NULL, closed_fds };
	struct options o;
	int status;

	/* compare and run parse their own options (argv[0] is their word). */
	if (cmd->own_parser) {
		ctx.argc = argc - 1;
		ctx.argv = argv + 1;
		status = cmd->run(&ctx);
		return status >= 0 && status <= 255 ? status : 1;
	}
	options_defaults(&o);
	if (options_parse(&o, argc, argv, err, sizeof(err))) {
		fprintf(stderr, "lattop: %s\nTry 'lattop%s%s --help'.\n", err,
			cmd->name[0] ? " " : "", cmd->name);
		return 2;
	}
	if (info_option(&o, cmd, &status))
		return status;
	ctx.o = &o;
	status = cmd->run(&ctx);
	return status >= 0 && status <= 255 ? status : 1;
}
