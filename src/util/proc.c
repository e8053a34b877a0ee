/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Running a program from an argv (never a shell) and collecting its output. */
#include "config.h"

#include "util/proc.h"

#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/fsutil.h"
#include "util/xmalloc.h"

extern char **environ;

/* Read both pipes to the end, so neither fills up and blocks the child. */
static void
proc_drain(int ofd, int efd, char **out, char **err)
{
	struct pollfd	 pfd[2];
	char		*bufs[2] = { NULL, NULL }, tmp[4096];
	size_t		 lens[2] = { 0, 0 };
	ssize_t		 n;
	int		 i, open = 2;

	pfd[0].fd = ofd;
	pfd[1].fd = efd;
	pfd[0].events = pfd[1].events = POLLIN;
	while (open > 0) {
		if (poll(pfd, 2, -1) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (i = 0; i < 2; i++) {
			if (pfd[i].fd == -1 || pfd[i].revents == 0)
				continue;
			n = read(pfd[i].fd, tmp, sizeof tmp);
			if (n <= 0) {
				if (n == -1 && errno == EINTR)
					continue;
				pfd[i].fd = -1;
				open--;
				continue;
			}
			bufs[i] = xrealloc(bufs[i], lens[i] + (size_t)n + 1);
			memcpy(bufs[i] + lens[i], tmp, (size_t)n);
			lens[i] += (size_t)n;
			bufs[i][lens[i]] = '\0';
		}
	}
	*out = bufs[0] != NULL ? bufs[0] : xstrdup("");
	*err = bufs[1] != NULL ? bufs[1] : xstrdup("");
}

int
proc_start(const struct strv *av, struct proc *p, char **cause)
{
	posix_spawn_file_actions_t	 fa;
	int				 op[2], ep[2], rc;

	if (pipe2(op, O_CLOEXEC) != 0 || pipe2(ep, O_CLOEXEC) != 0)
		fatal("pipe: %s", strerror(errno));
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, op[1], 1);
	posix_spawn_file_actions_adddup2(&fa, ep[1], 2);
	rc = posix_spawnp(&p->pid, av->v[0], &fa, NULL, av->v, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(op[1]);
	close(ep[1]);
	if (rc != 0) {
		close(op[0]);
		close(ep[0]);
		if (rc == ENOENT)
			*cause = xasprintf("%s not found", av->v[0]);
		else
			*cause = xasprintf("%s: %s", av->v[0], strerror(rc));
		return (-1);
	}
	p->out = op[0];
	p->err = ep[0];
	return (0);
}

int
proc_finish(struct proc *p, char **outp, char **errp)
{
	char	*out, *err;
	int	 status;

	proc_drain(p->out, p->err, &out, &err);
	close(p->out);
	close(p->err);
	while (waitpid(p->pid, &status, 0) == -1 && errno == EINTR)
		;
	if (outp != NULL)
		*outp = out;
	else
		free(out);
	if (errp != NULL)
		*errp = err;
	else
		free(err);
	if (WIFSIGNALED(status))
		return (128 + WTERMSIG(status));
	return (WEXITSTATUS(status));
}

int
proc_run(const struct strv *av, char **outp, char **errp, char **cause)
{
	struct proc	p;

	if (proc_start(av, &p, cause) != 0)
		return (-1);
	return (proc_finish(&p, outp, errp));
}

char *
proc_cmdline(pid_t pid, size_t *len)
{
	char	*path, *cmd, *why = NULL;

	path = xasprintf("/proc/%ld/cmdline", (long)pid);
	if ((cmd = fs_read_file(path, len, &why)) == NULL)
		free(why);
	free(path);
	return (cmd);
}
