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
		*cause = xasprintf("%s is not a folder owned by you", dir);
		return (-1);
	}
	if ((sb.st_mode & 077) != 0 && chmod(dir, 0700) != 0) {
		*cause = xasprintf("%s: %s", dir, strerror(errno));
		return (-1);
	}
	return (0);
}

/*
 * The runtime folder recorded for this usual one, if it is still there,
 * ours and private: the note holds the usual folder's path, then the
 * private one's (the usual path, a dot and six characters of mkdtemp).
 */
static char *
library_runtime_recorded(const char *note, const char *usual)
{
	char	*text, *why = NULL, *nl, *dir = NULL;
	size_t	 len, ulen = strlen(usual);

	if ((text = fs_read_file(note, &len, &why)) == NULL) {
		free(why);
		return (NULL);
	}
	nl = strchr(text, '\n');
	if (nl != NULL && (size_t)(nl - text) == ulen &&
	    strncmp(text, usual, ulen) == 0 && strncmp(nl + 1, usual,
	    ulen) == 0 && nl[1 + ulen] == '.' && strlen(nl + 1) == ulen + 8 &&
	    nl[ulen + 8] == '\n' && strchr(nl + ulen + 2, '/') == NULL) {
		nl[ulen + 8] = '\0';
		if (library_check_private(nl + 1, &why) == 0)
			dir = xstrdup(nl + 1);
		free(why);
	}
	free(text);
	return (dir);
}

/*
 * Another user can make /tmp/vmdesk-UID first (or a link there): then a
 * private folder from mkdtemp beside it, recorded in the library so that
 * every later vmdesk finds the same one.
 */
static char *
library_runtime_fallback(const char *note, const char *usual, char **cause)
{
	char	*dir, *text;

	dir = xasprintf("%s.XXXXXX", usual);
	if (mkdtemp(dir) == NULL) {
		*cause = xasprintf("%s: %s", dir, strerror(errno));
		free(dir);
		return (NULL);
	}
	text = xasprintf("%s\n%s\n", usual, dir);
	if (fs_write_atomic(note, text, strlen(text), 0600, cause) != 0) {
		rmdir(dir);
		free(dir);
		dir = NULL;
	}
	free(text);
	return (dir);
}

/*
 * The runtime folder: one recorded earlier for the same usual folder
 * (VMs started then keep their sockets there), else the usual one when
 * it is ours, else a new private one; *why (caller frees) then says why.
 */
static char *
library_runtime(const char *home, char **why, char **cause)
{
	const char	*env;
	char		*usual, *note, *dir = NULL, *what = NULL;

	if ((env = getenv("XDG_RUNTIME_DIR")) != NULL && *env == '/')
		usual = fs_path_join(env, "vmdesk");
	else
		usual = xasprintf("/tmp/vmdesk-%ld", (long)getuid());
	note = fs_path_join(home, LIBRARY_RUNTIME_NOTE);
	if ((dir = library_runtime_recorded(note, usual)) != NULL)
		*why = xasprintf("%s is not usable (see %s)", usual, note);
	else if (mkdir(usual, 0700) != 0 && errno != EEXIST)
		*cause = xasprintf("%s: %s", usual, strerror(errno));
	else if (library_check_private(usual, &what) == 0)
		dir = xstrdup(usual);
	else if ((dir = library_runtime_fallback(note, usual, cause)) != NULL)
		*why = xasprintf("%s (recorded in %s)", what, note);
	free(what);
	free(note);
	free(usual);
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
	lib->runtime = library_runtime(lib->home, &lib->runtime_why, cause);
	if (lib->runtime == NULL)
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
	free(lib->runtime_why);
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
	conf = library_vm_conf(lib, name);
	/* No VM is told apart only when the load fails: one call less. */
	if ((def = vmdef_load(conf, cause)) == NULL &&
	    !library_exists(lib, name)) {
		free(*cause);
		*cause = xasprintf("no VM named '%s' (vmdesk list shows them)",
		    name);
	}
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
	/* A VM's folder may hold secrets (the seed's password hash). */
	if (mkdir(stage, 0700) != 0) {
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
