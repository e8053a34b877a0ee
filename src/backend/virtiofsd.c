/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtiofsd: find it, start one per virtio-fs share, stop the leftovers. */
#include "config.h"

#include "backend/virtiofsd.h"

#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/fsutil.h"
#include "util/proc.h"
#include "util/strutil.h"
#include "util/strv.h"
#include "util/timeutil.h"
#include "util/xmalloc.h"

extern char **environ;

/* Where distributions put it when it is not on PATH. */
static const char *const virtiofsd_places[] = {
	"/usr/libexec/virtiofsd",	/* Fedora, the Rust virtiofsd */
	"/usr/lib/qemu/virtiofsd",	/* Debian 12: QEMU's C virtiofsd */
};

/* How long a new virtiofsd may take to make its socket (ms). */
#define VIRTIOFSD_WAIT	10000

/* The program: $VMDESK_VIRTIOFSD, PATH, then the usual places. */
static char *
virtiofsd_find(char **why)
{
	const char	*env = getenv("VMDESK_VIRTIOFSD");
	char		*dirs, *dir, *save = NULL, *p;
	size_t		 i;

	if (env != NULL && *env != '\0') {
		if (access(env, X_OK) == 0)
			return (xstrdup(env));
		*why = xasprintf("VMDESK_VIRTIOFSD=%s is not a program", env);
		return (NULL);
	}
	dirs = xstrdup(getenv("PATH") != NULL ? getenv("PATH") : "");
	for (dir = strtok_r(dirs, ":", &save); dir != NULL;
	    dir = strtok_r(NULL, ":", &save)) {
		p = fs_path_join(dir, "virtiofsd");
		if (access(p, X_OK) == 0) {
			free(dirs);
			return (p);
		}
		free(p);
	}
	free(dirs);
	for (i = 0; i < sizeof virtiofsd_places / sizeof *virtiofsd_places;
	    i++) {
		if (access(virtiofsd_places[i], X_OK) == 0)
			return (xstrdup(virtiofsd_places[i]));
	}
	*why = xstrdup("virtiofsd is not installed (Debian 12: "
	    "qemu-system-common; later releases: virtiofsd)");
	return (NULL);
}

/* Whether its help (either output) mentions s. */
static int
virtiofsd_says(const char *out, const char *err, const char *s)
{
	return (strstr(out, s) != NULL || strstr(err, s) != NULL);
}

void
virtiofsd_probe(struct virtiofsd_probe *pr)
{
	struct strv	 av;
	char		*out = NULL, *err = NULL, *why = NULL;

	memset(pr, 0, sizeof *pr);
	if ((pr->path = virtiofsd_find(&pr->why)) == NULL)
		return;
	strv_init(&av);
	strv_push(&av, pr->path);
	strv_push(&av, "--help");
	if (proc_run(&av, &out, &err, &why) == -1) {
		pr->why = xasprintf("%s: %s", pr->path, why);
		free(why);
		strv_clear(&av);
		return;
	}
	strv_clear(&av);
	/*
	 * QEMU's C virtiofsd (Debian 12) takes -o options and, measured as
	 * an ordinary user, stops at once: "fv_socket_lock: Failed to create
	 * directory /var/run/virtiofsd: Permission denied" (and its
	 * sandboxes need CAP_SYS_ADMIN or CAP_SYS_CHROOT). It has no
	 * read-only mode. The Rust one runs unprivileged with --sandbox=none.
	 */
	pr->legacy = virtiofsd_says(out, err, "sandbox=namespace|chroot");
	pr->readonly = virtiofsd_says(out, err, "--readonly");
	if (geteuid() == 0)
		pr->usable = 1;
	else if (pr->legacy)
		pr->why = xasprintf("%s (QEMU's virtiofsd) runs only as root",
		    pr->path);
	else
		pr->usable = pr->unpriv = 1;
	free(out);
	free(err);
}

void
virtiofsd_probe_clear(struct virtiofsd_probe *pr)
{
	free(pr->path);
	free(pr->why);
	memset(pr, 0, sizeof *pr);
}

int
virtiofsd_share_mode(const struct virtiofsd_probe *pr,
    const struct vm_share *s, char **why)
{
	const char	*no = NULL;

	if (s->mode == VM_SHARE_9P)
		return (VM_SHARE_9P);
	if (pr == NULL || pr->path == NULL || !pr->usable)
		no = pr != NULL && pr->why != NULL ? pr->why :
		    "virtiofsd is not installed";
	else if (s->readonly && !pr->readonly)
		no = "this virtiofsd cannot serve a folder read-only";
	if (no == NULL)
		return (VM_SHARE_VIRTIOFS);
	if (why != NULL)
		*why = xstrdup(no);
	return (s->mode == VM_SHARE_AUTO ? VM_SHARE_9P : -1);
}

char *
virtiofsd_socket(const char *run, const char *share)
{
	return (xasprintf("%s/fs-%s.sock", run, share));
}

char *
virtiofsd_pidfile(const char *run, const char *share)
{
	return (xasprintf("%s/fs-%s.pid", run, share));
}

/* The pid written in pidfile, or 0. */
static pid_t
virtiofsd_pidfile_pid(const char *pidfile)
{
	char	*text, *why = NULL;
	long	 pid;
	int	 ok;

	if ((text = fs_read_file(pidfile, NULL, &why)) == NULL) {
		free(why);
		return (0);
	}
	text[strcspn(text, "\n")] = '\0';
	ok = str_to_long(text, 1, INT32_MAX, &pid, &why) == 0;
	free(text);
	if (!ok)
		free(why);
	return (ok ? (pid_t)pid : 0);
}

/* The pid in pidfile if it is a live virtiofsd serving sock, or 0. */
static pid_t
virtiofsd_pid(const char *pidfile, const char *sock)
{
	char	*cmd, *want;
	size_t	 len;
	pid_t	 pid;
	int	 ok;

	/* A reused pid, or a zombie (its cmdline is empty), is not ours. */
	if ((pid = virtiofsd_pidfile_pid(pidfile)) == 0 ||
	    (cmd = proc_cmdline(pid, &len)) == NULL)
		return (0);
	want = xasprintf("--socket-path=%s", sock);
	ok = memmem(cmd, len, want, strlen(want) + 1) != NULL;
	free(want);
	free(cmd);
	return (ok ? pid : 0);
}

int
virtiofsd_alive(const char *run, const char *share)
{
	char	*pidfile, *sock;
	pid_t	 pid;

	pidfile = virtiofsd_pidfile(run, share);
	sock = virtiofsd_socket(run, share);
	pid = virtiofsd_pid(pidfile, sock);
	free(pidfile);
	free(sock);
	return (pid > 0);
}

/* Stop the virtiofsd of pidfile (serving sock), and remove both files. */
static void
virtiofsd_stop(const char *pidfile, const char *sock)
{
	pid_t	pid;
	int	i;

	if ((pid = virtiofsd_pid(pidfile, sock)) > 0) {
		kill(pid, SIGTERM);
		for (i = 0; i < 40 && virtiofsd_pid(pidfile, sock) > 0; i++)
			time_sleep_ms(25);
		if (virtiofsd_pid(pidfile, sock) > 0)
			kill(pid, SIGKILL);
	}
	unlink(pidfile);
	unlink(sock);
}

void
virtiofsd_stop_all(const char *run)
{
	struct dirent	*e;
	DIR		*d;
	char		*pidfile, *sock;
	size_t		 n;

	if ((d = opendir(run)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		n = strlen(e->d_name);
		if (strncmp(e->d_name, "fs-", 3) != 0 || n < 8 ||
		    strcmp(e->d_name + n - 4, ".pid") != 0)
			continue;
		pidfile = fs_path_join(run, e->d_name);
		sock = xasprintf("%.*s.sock", (int)strlen(pidfile) - 4,
		    pidfile);
		virtiofsd_stop(pidfile, sock);
		free(pidfile);
		free(sock);
	}
	closedir(d);
}

/* The command line of a share's virtiofsd. */
static void
virtiofsd_argv(const struct virtiofsd_probe *pr, const struct vm_share *s,
    const char *sock, struct strv *av)
{
	strv_push(av, pr->path);
	strv_pushf(av, "--socket-path=%s", sock);
	if (pr->legacy) {
		/* chroot: one process (namespace forks a second). */
		strv_push(av, "-o");
		strv_pushf(av, "source=%s", s->path);
		strv_push(av, "-o");
		strv_push(av, "sandbox=chroot");
		return;
	}
	strv_pushf(av, "--shared-dir=%s", s->path);
	if (pr->unpriv)
		strv_push(av, "--sandbox=none");
	if (s->readonly)
		strv_push(av, "--readonly");
}

/*
 * Spawn av in a session of its own, its output appended to logfd, from a
 * child that writes its pid to pidfd and exits: no vmdesk has to reap
 * it. 0, or -1 and *cause.
 */
static int
virtiofsd_spawn(const struct strv *av, int logfd, int pidfd, char **cause)
{
	posix_spawn_file_actions_t	 fa;
	posix_spawnattr_t		 attr;
	pid_t				 pid, gpid;
	char				 buf[32];
	int				 status, rc, n;

	if ((pid = fork()) == -1) {
		*cause = xasprintf("fork: %s", strerror(errno));
		return (-1);
	}
	if (pid == 0) {
		posix_spawn_file_actions_init(&fa);
		posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY,
		    0);
		posix_spawn_file_actions_adddup2(&fa, logfd, 1);
		posix_spawn_file_actions_adddup2(&fa, logfd, 2);
		/* It outlives this vmdesk: none of its descriptors. */
		posix_spawn_file_actions_addclosefrom_np(&fa, 3);
		posix_spawnattr_init(&attr);
		posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID);
		rc = posix_spawn(&gpid, av->v[0], &fa, &attr, av->v, environ);
		if (rc != 0)
			_exit(1);
		n = snprintf(buf, sizeof buf, "%ld\n", (long)gpid);
		_exit(write(pidfd, buf, (size_t)n) == n ? 0 : 1);
	}
	while (waitpid(pid, &status, 0) == -1) {
		if (errno != EINTR) {
			*cause = xasprintf("waitpid: %s", strerror(errno));
			return (-1);
		}
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		*cause = xasprintf("%s could not be started", av->v[0]);
		return (-1);
	}
	return (0);
}

/* Whether process pid has ended (gone, or a zombie nobody reaped yet). */
static int
virtiofsd_ended(pid_t pid)
{
	char	*path, *stat, *why = NULL, *p;
	int	 ended;

	path = xasprintf("/proc/%ld/stat", (long)pid);
	stat = fs_read_file(path, NULL, &why);
	free(path);
	if (stat == NULL) {
		free(why);
		return (1);
	}
	ended = (p = strrchr(stat, ')')) != NULL && p[1] == ' ' && p[2] == 'Z';
	free(stat);
	return (ended);
}

/*
 * Wait until the virtiofsd of pidfile listens on sock. Until it has run
 * exec, its command line is still vmdesk's: wait for it to end instead.
 */
static int
virtiofsd_wait(const char *pidfile, const char *sock)
{
	uint64_t	end = time_mono_ms() + VIRTIOFSD_WAIT;
	pid_t		pid = virtiofsd_pidfile_pid(pidfile);

	while (pid > 0 && time_mono_ms() < end) {
		if (fs_exists(sock) && virtiofsd_pid(pidfile, sock) > 0)
			return (0);
		if (virtiofsd_ended(pid))
			return (-1);
		time_sleep_ms(10);
	}
	return (-1);
}

static int
virtiofsd_start_one(const struct vm_def *def,
    const struct virtiofsd_probe *pr, const struct vm_share *s,
    const char *run, const char *log, char **cause)
{
	struct strv	 av;
	char		*sock, *pidfile;
	int		 logfd, pidfd, rc = -1;

	/* Its -o options split at commas and know no escape. */
	if (pr->legacy && strchr(s->path, ',') != NULL) {
		*cause = xasprintf("VM %s: share %s: virtiofsd cannot take a "
		    "path with a comma (%s); use mode 9p", def->name, s->name,
		    s->path);
		return (-1);
	}
	sock = virtiofsd_socket(run, s->name);
	pidfile = virtiofsd_pidfile(run, s->name);
	virtiofsd_stop(pidfile, sock);
	strv_init(&av);
	virtiofsd_argv(pr, s, sock, &av);
	logfd = open(log, O_WRONLY|O_CREAT|O_APPEND|O_CLOEXEC, 0644);
	pidfd = open(pidfile, O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC, 0600);
	if (logfd == -1 || pidfd == -1)
		*cause = xasprintf("%s: %s", logfd == -1 ? log : pidfile,
		    strerror(errno));
	else if (virtiofsd_spawn(&av, logfd, pidfd, cause) == 0) {
		if ((rc = virtiofsd_wait(pidfile, sock)) != 0)
			*cause = xasprintf("VM %s: share %s: virtiofsd did not "
			    "start (see %s)", def->name, s->name, log);
	}
	if (logfd != -1)
		close(logfd);
	if (pidfd != -1)
		close(pidfd);
	if (rc != 0)
		virtiofsd_stop(pidfile, sock);
	strv_clear(&av);
	free(sock);
	free(pidfile);
	return (rc);
}

int
virtiofsd_start_all(const struct vm_def *def, const struct virtiofsd_probe *pr,
    const char *run, const char *log, char **cause)
{
	char	*why = NULL;
	size_t	 i;
	int	 mode;

	for (i = 0; i < def->nshares; i++) {
		mode = virtiofsd_share_mode(pr, &def->shares[i], &why);
		if (mode == -1) {
			*cause = xasprintf("VM %s: share %s wants virtio-fs: "
			    "%s (mode auto or 9p works)", def->name,
			    def->shares[i].name, why);
			free(why);
			virtiofsd_stop_all(run);
			return (-1);
		}
		free(why);
		why = NULL;
		if (mode == VM_SHARE_VIRTIOFS && virtiofsd_start_one(def, pr,
		    &def->shares[i], run, log, cause) != 0) {
			virtiofsd_stop_all(run);
			return (-1);
		}
	}
	return (0);
}
