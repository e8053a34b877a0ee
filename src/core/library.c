/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The VM library on disk: folders, locks, list, create, rename, delete. */
#include "config.h"

#include "core/library.h"

#include <sys/file.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/names.h"
#include "util/crashpoint.h"
#include "util/fsutil.h"
#include "util/timeutil.h"
#include "util/xmalloc.h"

struct vm_lock {
	int	 fd;
};

static char *
library_home(char **cause)
{
	const char	*env;

	if ((env = getenv("VMDESK_HOME")) != NULL && *env != '\0')
		return (fs_abspath(env));
	if ((env = getenv("XDG_DATA_HOME")) != NULL && *env == '/')
		return (fs_path_join(env, "vmdesk"));
	if ((env = getenv("HOME")) != NULL && *env == '/')
		return (xasprintf("%s/.local/share/vmdesk", env));
	*cause = xstrdup("cannot find the library: set VMDESK_HOME or HOME");
	return (NULL);
}

/*
 * The runtime folder holds sockets: it must be ours and private, or
 * another user could put a socket where vmdesk connects.
 */
static int
library_check_private(const char *dir, char **cause)
{
	struct stat	sb;

	if (lstat(dir, &sb) != 0) {
		*cause = xasprintf("%s: %s", dir, strerror(errno));
		return (-1);
	}
	if (!S_ISDIR(sb.st_mode) || sb.st_uid != getuid()) {
		*cause = xasprintf("%s is not a folder owned by you: remove it",
		    dir);
		return (-1);
	}
	if ((sb.st_mode & 077) != 0 && chmod(dir, 0700) != 0) {
		*cause = xasprintf("%s: %s", dir, strerror(errno));
		return (-1);
	}
	return (0);
}

static char *
library_runtime(char **cause)
{
	const char	*env;
	char		*dir;

	if ((env = getenv("XDG_RUNTIME_DIR")) != NULL && *env == '/')
		dir = fs_path_join(env, "vmdesk");
	else
		dir = xasprintf("/tmp/vmdesk-%ld", (long)getuid());
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		*cause = xasprintf("%s: %s", dir, strerror(errno));
		free(dir);
		return (NULL);
	}
	if (library_check_private(dir, cause) != 0) {
		free(dir);
		return (NULL);
	}
	return (dir);
}

struct library *
library_open(char **cause)
{
	struct library	*lib;

	lib = xcalloc(1, sizeof *lib);
	if ((lib->home = library_home(cause)) == NULL)
		goto fail;
	lib->vms = fs_path_join(lib->home, "vms");
	lib->images = fs_path_join(lib->home, "images");
	lib->templates = fs_path_join(lib->home, "templates");
	if (fs_mkdir_p(lib->vms, 0755, cause) != 0 ||
	    fs_mkdir_p(lib->images, 0755, cause) != 0)
		goto fail;
	if ((lib->runtime = library_runtime(cause)) == NULL)
		goto fail;
	return (lib);

fail:
	library_free(lib);
	return (NULL);
}

void
library_free(struct library *lib)
{
	if (lib == NULL)
		return;
	free(lib->home);
	free(lib->vms);
	free(lib->images);
	free(lib->templates);
	free(lib->runtime);
	free(lib);
}

char *
library_vm_dir(const struct library *lib, const char *name)
{
	return (fs_path_join(lib->vms, name));
}

char *
library_vm_conf(const struct library *lib, const char *name)
{
	return (xasprintf("%s/%s/vm.conf", lib->vms, name));
}

char *
library_run_dir(const struct library *lib, const char *name)
{
	return (fs_path_join(lib->runtime, name));
}

int
library_exists(const struct library *lib, const char *name)
{
	char	*conf;
	int	 ok;

	conf = library_vm_conf(lib, name);
	ok = access(conf, F_OK) == 0;
	free(conf);
	return (ok);
}

static int
library_cmp(const void *a, const void *b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

int
library_list(const struct library *lib, struct strv *out, char **cause)
{
	struct dirent	*de;
	DIR		*d;
	char		*why = NULL;

	if ((d = opendir(lib->vms)) == NULL) {
		*cause = xasprintf("%s: %s", lib->vms, strerror(errno));
		return (-1);
	}
	while ((de = readdir(d)) != NULL) {
		/* Staging and deleted folders start with a dot. */
		if (name_check(de->d_name, "VM", &why) != 0) {
			free(why);
			why = NULL;
			continue;
		}
		if (library_exists(lib, de->d_name))
			strv_push(out, de->d_name);
	}
	closedir(d);
	if (out->n > 1)
		qsort(out->v, out->n, sizeof *out->v, library_cmp);
	return (0);
}

struct vm_def *
library_load(const struct library *lib, const char *name, char **cause)
{
	struct vm_def	*def;
	char		*conf;

	if (name_check(name, "VM", cause) != 0)
		return (NULL);
	if (!library_exists(lib, name)) {
		*cause = xasprintf("no VM named '%s' (vmdesk list shows them)",
		    name);
		return (NULL);
	}
	conf = library_vm_conf(lib, name);
	def = vmdef_load(conf, cause);
	/* The folder is the VM's identity: a rename cut short is mended. */
	if (def != NULL && strcmp(def->name, name) != 0) {
		strv_pushf(&def->warnings, "%s: name '%s' differs from its "
		    "folder; using '%s'", conf, def->name, name);
		free(def->name);
		def->name = xstrdup(name);
	}
	free(conf);
	return (def);
}

struct vm_lock *
library_lock(const struct library *lib, const char *name, int timeout_ms,
    char **cause)
{
	struct vm_lock	*lock;
	char		*path;
	uint64_t	 end = time_mono_ms() + (uint64_t)timeout_ms;
	int		 fd;

	path = xasprintf("%s/%s/.lock", lib->vms, name);
	fd = open(path, O_RDWR|O_CREAT|O_CLOEXEC, 0644);
	/* A full or read-only disk: flock needs no write access. */
	if (fd == -1 && (errno == ENOSPC || errno == EROFS ||
	    errno == EDQUOT || errno == EACCES))
		fd = open(path, O_RDONLY|O_NOFOLLOW|O_CLOEXEC);
	if (fd == -1) {
		if (errno == ENOENT)
			*cause = xasprintf("no VM named '%s'", name);
		else
			*cause = xasprintf("%s: %s", path, strerror(errno));
		free(path);
		return (NULL);
	}
	free(path);
	while (flock(fd, LOCK_EX|LOCK_NB) != 0) {
		if (errno != EWOULDBLOCK && errno != EINTR) {
			*cause = xasprintf("VM %s: lock: %s", name,
			    strerror(errno));
			close(fd);
			return (NULL);
		}
		if (time_mono_ms() >= end) {
			*cause = xasprintf("VM %s is busy: another vmdesk is "
			    "changing it", name);
			close(fd);
			return (NULL);
		}
		time_sleep_ms(20);
	}
	lock = xmalloc(sizeof *lock);
	lock->fd = fd;
	return (lock);
}

void
library_unlock(struct vm_lock *lock)
{
	if (lock == NULL)
		return;
	close(lock->fd);
	free(lock);
}

char *
library_create_begin(const struct library *lib, const char *name,
    char **cause)
{
	char	*stage;

	if (name_check(name, "VM", cause) != 0)
		return (NULL);
	if (library_exists(lib, name)) {
		*cause = xasprintf("a VM named '%s' already exists", name);
		return (NULL);
	}
	stage = xasprintf("%s/.new-%s-%ld", lib->vms, name, (long)getpid());
	if (fs_rm_rf(stage, cause) != 0) {
		free(stage);
		return (NULL);
	}
	if (mkdir(stage, 0755) != 0) {
		*cause = xasprintf("%s: %s", stage, strerror(errno));
		free(stage);
		return (NULL);
	}
	crashpoint("library: staging folder made");
	return (stage);
}

int
library_create_commit(const struct library *lib, const char *name,
    const char *stage, char **cause)
{
	char	*dir;
	int	 rc;

	dir = library_vm_dir(lib, name);
	/* rename() onto an existing non-empty folder fails: no clobbering. */
	if (rename(stage, dir) != 0) {
		if (errno == EEXIST || errno == ENOTEMPTY)
			*cause = xasprintf("a VM named '%s' already exists",
			    name);
		else
			*cause = xasprintf("%s: %s", dir, strerror(errno));
		free(dir);
		return (-1);
	}
	free(dir);
	crashpoint("library: staging folder renamed into place");
	rc = fs_sync_dir(lib->vms, cause);
	crashpoint("library: vms folder synced");
	return (rc);
}

void
library_create_abort(const char *stage)
{
	char	*why = NULL;

	if (stage != NULL && fs_rm_rf(stage, &why) != 0)
		free(why);
}

int
library_rename(const struct library *lib, const char *from, const char *to,
    char **cause)
{
	struct vm_def	*def;
	char		*conf, *src, *dst;
	int		 rc = -1;

	if (name_check(to, "VM", cause) != 0)
		return (-1);
	if (library_exists(lib, to)) {
		*cause = xasprintf("a VM named '%s' already exists", to);
		return (-1);
	}
	if ((def = library_load(lib, from, cause)) == NULL)
		return (-1);
	src = library_vm_dir(lib, from);
	dst = library_vm_dir(lib, to);
	if (rename(src, dst) != 0) {
		*cause = xasprintf("%s: %s", dst, strerror(errno));
		goto out;
	}
	crashpoint("library: VM folder renamed");
	free(def->name);
	def->name = xstrdup(to);
	conf = library_vm_conf(lib, to);
	rc = vmdef_save(def, conf, cause);
	free(conf);
	if (rc == 0)
		rc = fs_sync_dir(lib->vms, cause);
	crashpoint("library: rename done");
out:
	free(src);
	free(dst);
	vmdef_free(def);
	return (rc);
}

int
library_delete(const struct library *lib, const char *name, char **cause)
{
	char	*dir, *gone;
	int	 rc;

	if (name_check(name, "VM", cause) != 0)
		return (-1);
	if (!library_exists(lib, name)) {
		*cause = xasprintf("no VM named '%s'", name);
		return (-1);
	}
	dir = library_vm_dir(lib, name);
	gone = xasprintf("%s/.deleted-%s-%ld", lib->vms, name, (long)getpid());
	if (rename(dir, gone) != 0) {
		*cause = xasprintf("%s: %s", dir, strerror(errno));
		free(dir);
		free(gone);
		return (-1);
	}
	crashpoint("library: VM folder moved aside");
	rc = fs_sync_dir(lib->vms, cause);
	crashpoint("library: vms folder synced");
	if (rc == 0)
		rc = fs_rm_rf(gone, cause);
	crashpoint("library: deleted folder removed");
	free(dir);
	free(gone);
	return (rc);
}
