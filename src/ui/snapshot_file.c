/*
 * snapshot_file.c - the 's' hotkey: what is on the screen as text, and the
 * whole tick as JSON (the --json schema, active filter recorded), into new
 * files that are never overwritten and never reached through a symlink.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include "export/json.h"
#include "ui/ui_state.h"

#define SNAP_TRIES 100

/* O_EXCL: never an existing file; O_NOFOLLOW: never through a planted symlink. */
static int create_exclusive(int dirfd, const char *name)
{
	return openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The screen as curses last drew it, one line per row, trailing blanks cut. */
static int write_screen(int fd)
{
	wchar_t wline[1024];
	char line[4096];
	int ret = 0;

	for (int y = 0; y < LINES && !ret; y++) {
		int n = mvwinnwstr(curscr, y, 0, wline, COLS < 1023 ? COLS : 1023);
		size_t len;

		if (n == ERR)
			n = 0;
		wline[n] = L'\0';
		len = wcstombs(line, wline, sizeof(line) - 2);
		if (len == (size_t)-1)
			len = 0;
		while (len && line[len - 1] == ' ')
			len--;
		line[len++] = '\n';
		ret = write_all(fd, line, len);
	}
	return ret;
}

static int write_json(struct ui *ui, int fd)
{
	struct json_opts jo = {
		.cumulative_only = ui->cumulative,
		.filter_text = ui->filter_text,
		.filter = NULL,	/* the complete tick; the filter is recorded, not applied */
	};
	FILE *f = fdopen(fd, "w");
	int ret;

	if (!f) {
		ret = -errno;
		close(fd);
		return ret;
	}
	ret = json_write_tick(f, ui->snap, &jo);
	if (fclose(f) && !ret)
		ret = -EIO;
	return ret;
}

void ui_snapshot_write(struct ui *ui)
{
	const char *dir = ui->o->snapshot_dir ? ui->o->snapshot_dir : ".";
	char base[64], txt[96], json[96];
	time_t now = time(NULL);
	struct tm tm;
	int dirfd, fd_txt = -1, fd_json = -1, ret;

	if (!ui->snap) {
		ui_set_status(ui, true, "snapshot: no data yet");
		return;
	}
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0) {
		ui_set_status(ui, true, "snapshot: cannot open %s: %s", dir, strerror(errno));
		return;
	}
	localtime_r(&now, &tm);
	strftime(base, sizeof(base), "lattop-%Y%m%d-%H%M%S", &tm);
	for (int i = 0; i < SNAP_TRIES; i++) {
		char name[80];

		if (i)
			snprintf(name, sizeof(name), "%s-%d", base, i);
		else
			snprintf(name, sizeof(name), "%s", base);
		snprintf(txt, sizeof(txt), "%s.txt", name);
		snprintf(json, sizeof(json), "%s.json", name);
		fd_txt = create_exclusive(dirfd, txt);
		if (fd_txt < 0 && (errno == EEXIST || errno == ELOOP))
			continue;
		if (fd_txt < 0)
			break;
		fd_json = create_exclusive(dirfd, json);
		if (fd_json >= 0)
			break;
		close(fd_txt);
		unlinkat(dirfd, txt, 0);
		fd_txt = -1;
		if (errno != EEXIST && errno != ELOOP)
			break;
	}
	if (fd_txt < 0 || fd_json < 0) {
		ui_set_status(ui, true, "snapshot: cannot create files in %s: %s", dir,
			      strerror(errno));
		close(dirfd);
		return;
	}
	ret = write_screen(fd_txt);
	close(fd_txt);
	if (!ret)
		ret = write_json(ui, fd_json);
	else
		close(fd_json);
	close(dirfd);
	if (ret)
		ui_set_status(ui, true, "snapshot: writing %s/%s: %s", dir, txt, strerror(-ret));
	else
		ui_set_status(ui, false, "snapshot: %s/%s and %s", dir, txt, json);
}
