/*
 * mountinfo.h - lines of /proc/<pid>/mountinfo (proc(5)):
 *   36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
 *   (1)(2) (3)  (4)   (5)    (6)       (7)    (8) (9)   (10)      (11)
 * Pure. The kernel escapes ' ', '\t', '\n' and '\\' in paths as \ooo
 * (octal): they are unescaped here. Mount points are whatever root
 * mounted, but a mount namespace can be shared with untrusted containers:
 * bounds are checked on every field.
 */
#ifndef LATTOP_CORE_MOUNTINFO_H
#define LATTOP_CORE_MOUNTINFO_H

#include <stddef.h>

#define MOUNTINFO_PATH_LEN 4096
#define MOUNTINFO_FSTYPE_LEN 64

struct mountinfo_entry {
	char root[MOUNTINFO_PATH_LEN];		/* (4): the mount's root within its filesystem */
	char mount_point[MOUNTINFO_PATH_LEN];	/* (5): absolute */
	char fstype[MOUNTINFO_FSTYPE_LEN];	/* (9), with any ".subtype" */
};

/*
 * Parse one line (@len bytes, no NUL needed; a trailing '\n' is fine).
 * 0, or -EINVAL for a malformed line (too few fields, no " - " separator,
 * a bad escape, an escaped NUL, a relative mount point), -ENAMETOOLONG
 * when a field does not fit.
 */
int mountinfo_parse_line(const char *line, size_t len, struct mountinfo_entry *e);

/*
 * The first mount of filesystem type @fstype in @text (@len bytes, whole
 * mountinfo) into @e; malformed lines are skipped. 0 or -ENOENT.
 */
int mountinfo_find(const char *text, size_t len, const char *fstype, struct mountinfo_entry *e);

#endif
