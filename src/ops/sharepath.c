/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The host folder of a share, resolved and kept apart from vmdesk's files. */
#include "config.h"

#include "ops/sharepath.h"

#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/xmalloc.h"

/*
 * How a and b (absolute, resolved) relate: 0 apart, 1 the same, 2 a lies
 * in b, 3 a holds b.
 */
static int
sharepath_relation(const char *a, const char *b)
{
	size_t	la = strlen(a), lb = strlen(b);

	if (la == lb)
		return (strcmp(a, b) == 0 ? 1 : 0);
	if (la > lb)
		return (strncmp(a, b, lb) == 0 && (a[lb] == '/' ||
		    strcmp(b, "/") == 0) ? 2 : 0);
	return (strncmp(a, b, la) == 0 && (b[la] == '/' ||
	    strcmp(a, "/") == 0) ? 3 : 0);
}

/* Refuse real when it overlaps path (what names it for people). */
static int
sharepath_apart(const char *real, const char *path, const char *what,
    char **cause)
{
	static const char *const words[] = { NULL, "is", "lies in",
	    "holds" };
	char	 buf[PATH_MAX];
	int	 rel;

	if (path == NULL)
		return (0);
	/* What does not exist yet cannot be resolved; it is as named. */
	rel = sharepath_relation(real, realpath(path, buf) != NULL ? buf :
	    path);
	if (rel == 0)
		return (0);
	*cause = xasprintf("%s %s %s %s: a share must never expose vmdesk's "
	    "definitions, disks or monitor sockets", real, words[rel], what,
	    path);
	return (-1);
}

/* Refuse real when it overlaps any disk of any VM of the library. */
static int
sharepath_apart_disks(const struct library *lib, const char *real,
    char **cause)
{
	struct strv	 names;
	struct vm_def	*def;
	char		*vmdir, *disk, *what, *why = NULL;
	size_t		 i, j;
	int		 rc = 0;

	strv_init(&names);
	if (library_list(lib, &names, &why) != 0)
		free(why);
	for (i = 0; rc == 0 && i < names.n; i++) {
		if ((def = library_load(lib, names.v[i], &why)) == NULL) {
			free(why);
			why = NULL;
			continue;
		}
		vmdir = library_vm_dir(lib, names.v[i]);
		rc = sharepath_apart(real, vmdir, "the folder of VM", cause);
		for (j = 0; rc == 0 && j < def->ndisks; j++) {
			disk = vmdef_disk_path(&def->disks[j], vmdir);
			what = xasprintf("disk %s of VM %s:",
			    def->disks[j].name, def->name);
			rc = sharepath_apart(real, disk, what, cause);
			free(what);
			free(disk);
		}
		free(vmdir);
		vmdef_free(def);
	}
	strv_clear(&names);
	return (rc);
}

int
sharepath_check(const struct library *lib, const char *dir, char **real,
    char **cause)
{
	struct stat	 sb;
	char		 buf[PATH_MAX];

	if (realpath(dir, buf) == NULL) {
		*cause = xasprintf("%s: %s", dir, strerror(errno));
		return (-1);
	}
	if (stat(buf, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		*cause = xasprintf("%s is not a folder", buf);
		return (-1);
	}
	if (access(buf, R_OK|X_OK) != 0) {
		*cause = xasprintf("%s: not readable: %s", buf,
		    strerror(errno));
		return (-1);
	}
	if (sharepath_apart(buf, lib->home, "vmdesk's library", cause) != 0 ||
	    sharepath_apart(buf, lib->images, "vmdesk's image cache",
	    cause) != 0 ||
	    sharepath_apart(buf, lib->runtime, "vmdesk's runtime folder",
	    cause) != 0 ||
	    sharepath_apart_disks(lib, buf, cause) != 0)
		return (-1);
	*real = xstrdup(buf);
	return (0);
}

int
sharepath_check_def(const struct library *lib, const struct vm_def *def,
    char **cause)
{
	char	*real, *why = NULL;
	size_t	 i;

	for (i = 0; i < def->nshares; i++) {
		if (sharepath_check(lib, def->shares[i].path, &real,
		    &why) != 0) {
			*cause = xasprintf("VM %s: share %s: %s", def->name,
			    def->shares[i].name, why);
			free(why);
			return (-1);
		}
		free(real);
	}
	return (0);
}
