/*
 * run_spawn.h - start the command of `lattop run`: found along PATH by
 * lattop itself, forked, and held until tracing is ready.
 *
 * The PATH search happens in lattop, before the child exists, so that the
 * traced child makes exactly one execve (the one that starts COMMAND)
 * instead of execvp's failed attempts along PATH being charged to it.
 */
#ifndef LATTOP_RUN_SPAWN_H
#define LATTOP_RUN_SPAWN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * The file execvp would run for @name into @path: @name itself when it
 * contains a '/', else the first regular, executable DIR/name along $PATH
 * (unset: the system default, confstr(_CS_PATH); an empty entry is the
 * current directory). 0, -ENOENT (not found), -EACCES (found only where it
 * cannot be executed) or -ENAMETOOLONG.
 */
int run_spawn_resolve(const char *name, char *path, size_t pathlen);

/*
 * Fork @command (argv, NULL-terminated) to execute @path, held until a
 * byte arrives on *@go_fd (EOF: it exits 127 unstarted). An exec failure
 * comes back as its errno on *@exec_err_fd. A file the kernel cannot
 * execute (ENOEXEC: a script without #!) is run by /bin/sh, as execvp
 * does. With @stdout_to_stderr the command's stdout is lattop's stderr
 * (lattop's stdout then carries only its report). The child's pid, or a
 * negative errno.
 */
pid_t run_spawn_fork(char *path, char **command, bool stdout_to_stderr, int *go_fd,
		     int *exec_err_fd);

#endif
