/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <sys/types.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend/qemu_argv.h"
#include "backend/serial.h"
#include "backend/vmproc.h"
#include "ops/labguest.h"
#include "ops/vmctl.h"
#include "util/cancel.h"
#include "util/fsutil.h"
#include "util/timeutil.h"
#include "util/xmalloc.h"

#define LABGUEST_POLL_US	100000
/* What a provision command's status line starts with. */
#define LABGUEST_RC		"vmdesk-lab-rc="

long long
labguest_log_size(const struct library *lib, const char *vm)
{
	struct vm_paths	 paths;
	char		*why = NULL;
	long long	 size;

	if (vmctl_paths(lib, vm, &paths, &why) != 0) {
		free(why);
		return (0);
	}
	size = fs_file_size(paths.serial_log);
	vm_paths_clear(&paths);
	return (size < 0 ? 0 : size);
}

/* The log after offset (all of it when it was rotated). Caller frees. */
static char *
labguest_log_since(const char *path, long long offset)
{
	char	*text, *tail;
	size_t	 len;

	if ((text = fs_read_file(path, &len, NULL)) == NULL)
		return (xstrdup(""));
	if ((long long)len < offset)
		return (text);
	tail = xstrdup(text + offset);
	free(text);
	return (tail);
}

/* The start of the status line for command k (1-based), or NULL. */
static const char *
labguest_find_rc(const char *text, int k, int *rc)
{
	const char	*p = text, *q;
	char		*end;
	long		 v;

	while ((p = strstr(p, LABGUEST_RC)) != NULL) {
		q = p + strlen(LABGUEST_RC);
		p = q;
		if (*q < '0' || *q > '9')
			continue;	/* the typed command, echoed */
		v = strtol(q, &end, 10);
		if (*end == '-' && strtol(end + 1, NULL, 10) == 1000 + k) {
			*rc = (int)v;
			return (q);
		}
	}
	return (NULL);
}

/*
 * Poll the log after offset until match finds what it wants, QEMU ends,
 * a signal comes or timeout_s pass. fd (or -1) is drained meanwhile.
 */
static int
labguest_poll(const struct vm_paths *paths, long long offset, int timeout_s,
    int fd, int (*match)(const char *, void *), void *arg, char **cause)
{
	uint64_t	 end = time_mono_ms() + (uint64_t)timeout_s * 1000;
	char		*text, buf[4096];
	int		 found;

	for (;;) {
		while (fd != -1 && read(fd, buf, sizeof buf) > 0)
			;
		text = labguest_log_since(paths->serial_log, offset);
		found = match(text, arg);
		free(text);
		if (found)
			return (0);
		if (cancel_signal() != 0) {
			*cause = xstrdup("interrupted");
			return (-1);
		}
		if (vmproc_pid(paths) == 0) {
			*cause = xasprintf("QEMU ended (see %s)",
			    paths->serial_log);
			return (-1);
		}
		if (time_mono_ms() > end) {
			*cause = xasprintf("nothing in %d s (see %s)",
			    timeout_s, paths->serial_log);
			return (-1);
		}
		usleep(LABGUEST_POLL_US);
	}
}

static int
labguest_has_text(const char *text, void *arg)
{
	return (strstr(text, arg) != NULL);
}

int
labguest_wait(const struct library *lib, const char *vm, const char *text,
    long long offset, int timeout_s, char **cause)
{
	struct vm_paths	 paths;
	char		*why = NULL;
	int		 rc;

	if (vmctl_paths(lib, vm, &paths, cause) != 0)
		return (-1);
	rc = labguest_poll(&paths, offset, timeout_s, -1, labguest_has_text,
	    (void *)text, &why);
	if (rc != 0) {
		*cause = xasprintf("not ready ('%s' not seen): %s", text, why);
		free(why);
	}
	vm_paths_clear(&paths);
	return (rc);
}

/* What a status line match is looking for, and what it found. */
struct labguest_rc {
	int	k;
	int	rc;
};

static int
labguest_has_rc(const char *text, void *arg)
{
	struct labguest_rc	*r = arg;

	return (labguest_find_rc(text, r->k, &r->rc) != NULL);
}

/* Type command k and wait for its status. */
static int
labguest_run(const struct vm_paths *paths, int fd, const struct lab_vm *vm,
    int k, char **cause)
{
	struct labguest_rc	 r = { k, -1 };
	long long		 offset = fs_file_size(paths->serial_log);
	const char		*cmd = vm->provision.v[k - 1];
	char			*line, *why = NULL;
	int			 rc;

	line = xasprintf("%s\necho \"" LABGUEST_RC "$?-$((%d+1000))\"\n",
	    cmd, k);
	rc = serial_write_all(fd, line, strlen(line));
	free(line);
	if (rc != 0) {
		*cause = xasprintf("serial console: %s", strerror(errno));
		return (-1);
	}
	if (labguest_poll(paths, offset < 0 ? 0 : offset, vm->timeout, fd,
	    labguest_has_rc, &r, &why) != 0) {
		*cause = xasprintf("provision '%s': %s", cmd, why);
		free(why);
		return (-1);
	}
	if (r.rc != 0) {
		*cause = xasprintf("provision '%s' exited with status %d", cmd,
		    r.rc);
		return (-1);
	}
	return (0);
}

int
labguest_provision(const struct library *lib, const struct lab_vm *vm,
    char **cause)
{
	struct vm_paths	paths;
	size_t		i;
	int		fd, rc = 0;

	if (vmctl_paths(lib, vm->name, &paths, cause) != 0)
		return (-1);
	if ((fd = serial_connect(paths.serial, cause)) == -1) {
		vm_paths_clear(&paths);
		return (-1);
	}
	for (i = 0; i < vm->provision.n && rc == 0; i++)
		rc = labguest_run(&paths, fd, vm, (int)i + 1, cause);
	close(fd);
	vm_paths_clear(&paths);
	return (rc);
}
