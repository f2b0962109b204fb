/*
 * rec_reencode.c - a recording written again by this lattop's writer, to
 * compare formats on the same ticks (a live recording made once, measured
 * in every format since).
 *
 *   rec_reencode IN OUT
 *
 * Reads every tick of IN (any readable format) and writes them to OUT as
 * `lattop record` would (keyframes, deltas, deflate). Prints both sizes and
 * OUT per hour at IN's tick count taken as 1 s ticks. Not a test.
 */
#include <stdio.h>
#include <sys/stat.h>

#include "export/rec_reader.h"
#include "export/rec_writer.h"

int main(int argc, char **argv)
{
	struct rec_meta meta = { 0 };
	struct rec_writer *w;
	struct rec_reader *r;
	struct snapshot s;
	struct stat st;
	char err[512];
	uint64_t ticks = 0;
	int ret;

	if (argc != 3) {
		fprintf(stderr, "usage: rec_reencode IN OUT\n");
		return 2;
	}
	r = rec_reader_open(argv[1], err, sizeof(err));
	if (!r) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	w = rec_writer_create(argv[2], &meta, true, err, sizeof(err));
	if (!w) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	snapshot_init(&s);
	while ((ret = rec_reader_next(r, &s, err, sizeof(err))) == 1) {
		if (rec_writer_tick(w, &s)) {
			fprintf(stderr, "%s: cannot write a tick\n", argv[2]);
			return 1;
		}
		ticks++;
	}
	if (ret < 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	ret = rec_writer_finish(w, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	if (stat(argv[1], &st))
		return 1;
	printf("%s: %lld bytes\n", argv[1], (long long)st.st_size);
	if (stat(argv[2], &st))
		return 1;
	printf("%s: %lld bytes, %llu ticks, %.1f MB/hour at 1 s ticks\n", argv[2],
	       (long long)st.st_size, (unsigned long long)ticks,
	       (double)st.st_size * 3600 / (double)ticks / 1e6);
	snapshot_free(&s);
	rec_reader_close(r);
	return 0;
}
