/*
 * snapshot_file.c - the 's' hotkey: what is on the screen as text, and the
 * whole tick as JSON (the --json schema, active filter recorded), into new
 * files that are never overwritten and never reached through a symlink.
 */
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

/* Is screen cell @y,@x part of a histogram bar (drawn as reverse-video blanks)? */
static bool bar_cell(const struct ui *ui, int y, int x, wchar_t wc, attr_t a, bool run)
{
	const struct layout_rect *r = &ui->layout.area[AREA_HIST];
	bool overlay = ui->help || ui->stacks_open || ui->prompt == PICK_PROCESS ||
		       ui->prompt == PICK_SYSCALL || ui->prompt == PICK_CGROUP;

	if (overlay || ui->layout.too_small || !ui->win[AREA_HIST] || wc != L' ' ||
	    !(a & A_REVERSE))
		return false;
	/* Bars start at a fixed column, below the title and summary lines. */
	if (y < r->y + 2 || y >= r->y + r->h || x < r->x + PANE_HIST_BAR_X || x >= r->x + r->w)
		return false;
	return x == r->x + PANE_HIST_BAR_X || run;
}

/*
 * The screen as curses last sent it, one line per row, trailing blanks cut.
 * Cells are walked by display column so that wide characters stay whole;
 * histogram bars, reverse-video blanks on the screen, become '@' as in DTrace.
 */
static int write_screen(const struct ui *ui, int fd)
{
	char line[4096];
	int ret = 0;

	for (int y = 0; y < LINES && !ret; y++) {
		size_t len = 0;
		bool run = false;

		for (int x = 0; x < COLS;) {
			wchar_t wch[CCHARW_MAX + 1] = { 0 };
			cchar_t cc;
			attr_t a = 0;
			short pair;
			int cols;
			char mb[MB_LEN_MAX];
			size_t n;

			if (mvwin_wch(curscr, y, x, &cc) == ERR ||
			    getcchar(&cc, wch, &a, &pair, NULL) == ERR || !wch[0])
				wch[0] = L' ';
			run = bar_cell(ui, y, x, wch[0], a, run);
			if (run)
				wch[0] = L'@';
			cols = wcwidth(wch[0]);
			n = wcrtomb(mb, wch[0], &(mbstate_t){ 0 });
			if (n == (size_t)-1) {
				mb[0] = '?';
				n = 1;
			}
			if (len + n + 1 >= sizeof(line))
				break;
			memcpy(line + len, mb, n);
			len += n;
			x += cols > 1 ? cols : 1;
		}
		while (len && line[len - 1] == ' ')
			len--;
		line[len++] = '\n';
		ret = write_all(fd, line, len);
	}
	return ret;
}

/* The dashboard's own members of the JSON snapshot: the selected row's heatmap, the thresholds. */
static void json_extra(FILE *out, const void *ctx)
{
	const struct ui *ui = ctx;
	const struct ui_slo_state *st = &ui->slo;

	fputs(",\"heatmap\":", out);
	heatmap_write_json(ui, out);
	fputs(",\"slo\":[", out);
	for (size_t i = 0; i < st->set.n; i++) {
		const struct slo_result *r = st->sys[i].broken ? &st->sys[i] : &st->proc[i];
		char text[160];

		assert_expr_text(&st->set.e[i], text, sizeof(text));
		fputs(i ? ",{\"expr\":" : "{\"expr\":", out);
		json_write_string(out, text, strlen(text));
		fprintf(out, ",\"broken\":%s,\"applies\":%s", r->broken ? "true" : "false",
			st->sys[i].applies || st->proc[i].applies ? "true" : "false");
		if (r->broken)
			fprintf(out, ",\"actual\":%llu,\"table\":\"%s\"",
				(unsigned long long)r->actual,
				r == &st->sys[i] ? "syscalls" : "processes");
		fputc('}', out);
	}
	fputc(']', out);
}

/* After the screen: the selected row's heatmap as ASCII, on screen or not. */
static int write_heatmap_text(const struct ui *ui, int fd)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int ret;

	if (!f)
		return -errno;
	ret = heatmap_write_text(ui, f);
	if (!ret)
		ret = ui_stacks_write_text(ui, f);
	if (fclose(f) && !ret)
		ret = -EIO;
	if (!ret)
		ret = write_all(fd, buf, len);
	free(buf);
	return ret;
}

static int write_json(struct ui *ui, int fd)
{
	struct json_opts jo = {
		.cumulative_only = ui->cumulative,
		.filter_text = ui->filter_text,
		.filter = NULL,	/* the complete tick; the filter is recorded, not applied */
		.extra = json_extra,
		.extra_ctx = ui,
	};
	FILE *f = fdopen(fd, "w");
	int ret;

	if (!f) {
		ret = -errno;
		close(fd);
		return ret;
	}
	errno = 0;
	ret = json_write_tick(f, ui->snap, &jo);
	if (ret)
		ret = errno ? -errno : -EIO;	/* the failed write's reason (ENOSPC), not just EIO */
	if (fclose(f) && !ret)
		ret = errno ? -errno : -EIO;
	return ret;
}

void ui_snapshot_write(struct ui *ui)
{
	const char *dir = ui->o->snapshot_dir ? ui->o->snapshot_dir : ".";
	char base[64], txt[96], json[96];
	const char *failed;
	time_t now = time(NULL);
	struct tm tm;
	int dirfd, fd_txt = -1, fd_json = -1, ret;

	if (!ui->snap) {
		ui_set_status(ui, true, "snapshot: no data yet");
		return;
	}
	/* The directory itself must not be a planted symlink either. */
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dirfd < 0) {
		struct stat st;
		int err = errno;

		/* O_DIRECTORY|O_NOFOLLOW on a symlink says ENOTDIR or ELOOP: say what it is. */
		if ((err == ELOOP || err == ENOTDIR) && !lstat(dir, &st) && S_ISLNK(st.st_mode))
			ui_set_status(ui, true, "snapshot: %s: it is a symlink; give the real directory",
				      dir);
		else
			ui_set_status(ui, true, "snapshot: cannot open %s: %s", dir, strerror(err));
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
	failed = txt;
	ret = write_screen(ui, fd_txt);
	if (!ret)
		ret = write_heatmap_text(ui, fd_txt);
	if (close(fd_txt) && !ret)
		ret = -errno;
	if (!ret) {
		failed = json;
		ret = write_json(ui, fd_json);	/* closes fd_json */
	} else {
		close(fd_json);
	}
	if (ret) {
		/* Half a snapshot is worse than none: both files go (we created them, O_EXCL). */
		unlinkat(dirfd, txt, 0);
		unlinkat(dirfd, json, 0);
		ui_set_status(ui, true, "snapshot: %s: %s (nothing kept in %s)", failed,
			      strerror(-ret), dir);
	} else {
		ui_set_status(ui, false, "snapshot: %s/%s and %s", dir, txt, json);
	}
	close(dirfd);
}
