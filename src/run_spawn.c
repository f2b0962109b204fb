/* run_spawn.c - PATH search, fork and held exec of lattop run's command (see run_spawn.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "run_spawn.h"

/* 0 when @cand is a regular file we may execute; else the errno execve would give. */
static int run_spawn_usable(const char *cand)
{
	struct stat st;

	if (stat(cand, &st))
		return errno;
	if (!S_ISREG(st.st_mode))
		return EACCES;	/* what execve says of a directory */
	return faccessat(AT_FDCWD, cand, X_OK, AT_EACCESS) ? errno : 0;
}

int run_spawn_resolve(const char *name, char *path, size_t pathlen)
{
	const char *env = getenv("PATH"), *dir;
	char fallback[256];
	size_t name_len = strlen(name);
	bool denied = false;

	if (!name_len)
		return -ENOENT;
	if (strchr(name, '/')) {
		if (name_len >= pathlen)
			return -ENAMETOOLONG;
		memcpy(path, name, name_len + 1);
		return 0;
	}
	if (!env) {
		size_t n = confstr(_CS_PATH, fallback, sizeof(fallback));

		env = n && n <= sizeof(fallback) ? fallback : "/bin:/usr/bin";
	}
	for (dir = env;; dir++) {
		const char *end = strchrnul(dir, ':');
		size_t dir_len = (size_t)(end - dir);
		int n, e;

		/* An empty entry is the current directory, as for execvp. */
		if (dir_len)
			n = snprintf(path, pathlen, "%.*s/%s", (int)dir_len, dir, name);
		else
			n = snprintf(path, pathlen, "%s", name);
		if (n > 0 && (size_t)n < pathlen) {
			e = run_spawn_usable(path);
			if (!e)
				return 0;
			denied |= e == EACCES || e == EPERM;
		}
		dir = end;
		if (!*dir)
			break;
	}
	return denied ? -EACCES : -ENOENT;
}

/* argv for /bin/sh running @path as a script: /bin/sh path args... (what execvp does). */
static char **run_spawn_sh_argv(char *path, char **command)
{
	size_t n = 0;
	char **argv;

	while (command[n])
		n++;
	argv = calloc(n + 2, sizeof(*argv));
	if (!argv)
		return NULL;
	argv[0] = (char *)"/bin/sh";
	argv[1] = path;
	for (size_t i = 1; i < n; i++)
		argv[i + 1] = command[i];
	return argv;
}

pid_t run_spawn_fork(char *path, char **command, bool stdout_to_stderr, int *go_fd,
		     int *exec_err_fd)
{
	char **sh_argv = run_spawn_sh_argv(path, command);
	int go[2], ee[2];
	pid_t pid;

	if (!sh_argv)
		return -ENOMEM;
	if (pipe2(go, O_CLOEXEC)) {
		free(sh_argv);
		return -errno;
	}
	if (pipe2(ee, O_CLOEXEC)) {
		int e = -errno;

		close(go[0]);
		close(go[1]);
		free(sh_argv);
		return e;
	}
	pid = fork();
	if (pid < 0) {
		int e = -errno;

		close(go[0]);
		close(go[1]);
		close(ee[0]);
		close(ee[1]);
		free(sh_argv);
		return e;
	}
	if (pid == 0) {
		char b;
		int e;

		close(go[1]);
		close(ee[0]);
		if (stdout_to_stderr && dup2(STDERR_FILENO, STDOUT_FILENO) < 0)
			_exit(127);
		if (read(go[0], &b, 1) != 1)
			_exit(127);	/* lattop could not start tracing */
		execv(path, command);
		if (errno == ENOEXEC)
			execv(sh_argv[0], sh_argv);
		e = errno;
		if (write(ee[1], &e, sizeof(e)) < 0)
			_exit(127);
		_exit(127);
	}
	free(sh_argv);
	close(go[0]);
	close(ee[1]);
	*go_fd = go[1];
	*exec_err_fd = ee[0];
	return pid;
}
