/* term.c - curses set-up and guaranteed teardown. */
#include <curses.h>
#include <term.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "core/sanitize.h"
#include "ui/term.h"

static bool term_active;
static bool have_saved_tios;
static struct termios saved_tios;
static const int fatal_signals[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };

/*
 * A crash must not leave the operator's terminal in raw mode on the
 * alternate screen: restore it with async-signal-safe calls only, then die
 * of the same signal.
 */
static void on_fatal_signal(int sig)
{
	static const char reset[] = "\033[0m\033[?25h\033[?1000l\033[?1049l\r\n";
	ssize_t n;

	if (have_saved_tios)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_tios);
	n = write(STDOUT_FILENO, reset, sizeof(reset) - 1);
	(void)n;
	signal(sig, SIG_DFL);
	raise(sig);
}

static void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_fatal_signal;
	sa.sa_flags = SA_RESETHAND;
	for (size_t i = 0; i < sizeof(fatal_signals) / sizeof(fatal_signals[0]); i++)
		sigaction(fatal_signals[i], &sa, NULL);
	/* A vanished terminal shows up as EIO/POLLHUP; never die of SIGPIPE/SIGTTOU. */
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTTOU, SIG_IGN);
}

int term_check(char *err, size_t errlen)
{
	const char *type = getenv("TERM");
	int e = 0;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		snprintf(err, errlen, "the dashboard needs a terminal on stdin and stdout "
			 "(for a pipe or a file use -b or --json)");
		return -ENOTTY;
	}
	if (!type || !*type) {
		snprintf(err, errlen, "TERM is not set: set it to the terminal's type "
			 "(e.g. TERM=xterm-256color), or use -b or --json");
		return -ENOTSUP;
	}
	if (setupterm(NULL, STDOUT_FILENO, &e) != OK) {
		char clean[48];

		sanitize_text(clean, sizeof(clean), type, strlen(type));
		snprintf(err, errlen, "TERM=%s: %s (try TERM=xterm-256color, or install "
			 "ncurses-term), or use -b or --json", clean,
			 e == 0 ? "no terminfo entry for this terminal type" :
			 "this terminal type cannot be used by a full-screen program");
		return -ENOTSUP;
	}
	del_curterm(cur_term);
	return 0;
}

int term_open(bool mouse)
{
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return -ENOTTY;
	if (tcgetattr(STDIN_FILENO, &saved_tios) == 0)
		have_saved_tios = true;
	install_signals();
	if (!newterm(NULL, stdout, stdin))
		return -ENOTSUP;
	term_active = true;
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	/* Escape alone must not wait a second for a sequence that never comes. */
	set_escdelay(25);
	curs_set(0);
	if (mouse)
		mousemask(BUTTON1_CLICKED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
	return 0;
}

void term_close(void)
{
	if (!term_active)
		return;
	term_active = false;
	endwin();
	if (have_saved_tios)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_tios);
}

