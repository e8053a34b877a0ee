/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Changes to the library and its runtime folders, seen through inotify. */
#include "config.h"

#include "core/libwatch.h"

#include <sys/inotify.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/xmalloc.h"

/* What a watch descriptor stands for. */
struct libwatch_wd {
	int	 wd;
	int	 top;		/* 1: vms/, 2: runtime/, 0: a VM's folder */
	char	*vm;		/* its VM, or NULL */
};

struct libwatch {
	const struct library	*lib;
	int			 fd;
	struct libwatch_wd	*wds;
	size_t			 nwds;
};

#define LIBWATCH_TOP	(IN_CREATE|IN_DELETE|IN_MOVED_FROM|IN_MOVED_TO| \
			 IN_ONLYDIR)
#define LIBWATCH_VM	(IN_CREATE|IN_DELETE|IN_MOVED_TO|IN_CLOSE_WRITE| \
			 IN_ATTRIB|IN_ONLYDIR)

static int
libwatch_watch(struct libwatch *w, const char *path, int top, const char *vm)
{
	uint32_t	mask = top != 0 ? LIBWATCH_TOP : LIBWATCH_VM;
	int		wd;
	size_t		i;

	if ((wd = inotify_add_watch(w->fd, path, mask)) == -1)
		return (errno == ENOENT ? 0 : -1);
	for (i = 0; i < w->nwds; i++) {
		if (w->wds[i].wd == wd)
			return (0);
	}
	w->wds = xreallocarray(w->wds, w->nwds + 1, sizeof *w->wds);
	w->wds[w->nwds].wd = wd;
	w->wds[w->nwds].top = top;
	w->wds[w->nwds++].vm = vm == NULL ? NULL : xstrdup(vm);
	return (0);
}

struct libwatch *
libwatch_open(const struct library *lib, char **cause)
{
	struct libwatch	*w;
	int		 fd;

	if ((fd = inotify_init1(IN_NONBLOCK|IN_CLOEXEC)) == -1) {
		*cause = xasprintf("inotify: %s", strerror(errno));
		return (NULL);
	}
	w = xcalloc(1, sizeof *w);
	w->lib = lib;
	w->fd = fd;
	if (libwatch_watch(w, lib->vms, 1, NULL) != 0 ||
	    libwatch_watch(w, lib->runtime, 2, NULL) != 0) {
		*cause = xasprintf("inotify: %s", strerror(errno));
		libwatch_free(w);
		return (NULL);
	}
	return (w);
}

void
libwatch_free(struct libwatch *w)
{
	size_t	i;

	if (w == NULL)
		return;
	for (i = 0; i < w->nwds; i++)
		free(w->wds[i].vm);
	free(w->wds);
	close(w->fd);
	free(w);
}

int
libwatch_fd(const struct libwatch *w)
{
	return (w->fd);
}

int
libwatch_add(struct libwatch *w, const char *vm)
{
	char	*dir;
	int	 rc;

	dir = library_vm_dir(w->lib, vm);
	rc = libwatch_watch(w, dir, 0, vm);
	free(dir);
	if (rc != 0)
		return (-1);
	dir = library_run_dir(w->lib, vm);
	rc = libwatch_watch(w, dir, 0, vm);
	free(dir);
	return (rc);
}

static void
libwatch_note(struct strv *vms, const char *name)
{
	if (strv_find(vms, name) < 0)
		strv_push(vms, name);
}

/* One event: a VM's name to look at, or 1 for "the set may differ". */
static int
libwatch_event(struct libwatch *w, const struct inotify_event *ev,
    struct strv *vms)
{
	size_t	i;

	if (ev->mask & IN_Q_OVERFLOW)
		return (1);
	for (i = 0; i < w->nwds; i++) {
		if (w->wds[i].wd != ev->wd)
			continue;
		if (ev->mask & IN_IGNORED) {
			/* The folder went (a delete or a rename): forget it. */
			free(w->wds[i].vm);
			w->wds[i] = w->wds[--w->nwds];
			return (1);
		}
		if (w->wds[i].top == 1)
			return (1);
		/* A runtime folder came or went: its VM starts or ends. */
		if (w->wds[i].top == 2 && ev->len > 0)
			libwatch_note(vms, ev->name);
		else if (w->wds[i].vm != NULL)
			libwatch_note(vms, w->wds[i].vm);
		return (0);
	}
	return (0);
}

int
libwatch_read(struct libwatch *w, struct strv *vms)
{
	char				 buf[16384]
	    __attribute__((aligned(__alignof__(struct inotify_event))));
	const struct inotify_event	*ev;
	ssize_t				 n;
	char				*p;
	int				 all = 0;

	while ((n = read(w->fd, buf, sizeof buf)) > 0) {
		for (p = buf; p < buf + n; p += sizeof *ev + ev->len) {
			ev = (const struct inotify_event *)(void *)p;
			all |= libwatch_event(w, ev, vms);
		}
	}
	return (all);
}
