/* SPDX-License-Identifier: GPL-2.0-or-later */
/* OS templates: load, find, list, and make a VM from one. */
#include "config.h"

#include "images/template.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/names.h"
#include "images/cloudinit.h"
#include "images/qemu_img.h"
#include "images/tinylinux.h"
#include "util/fsutil.h"
#include "util/ini.h"
#include "util/strutil.h"
#include "util/xmalloc.h"

enum tkey_kind {
	TKEY_STRING,
	TKEY_NAME,
	TKEY_INT,
	TKEY_SIZE,
	TKEY_ENUM,	/* an enum of vm.conf, by its key name */
	TKEY_BOOT
};

static const struct tkey {
	const char	*key;
	enum tkey_kind	 kind;
	size_t		 off;
	const char	*enumkey;	/* for TKEY_ENUM: the vm.conf key */
	long		 min, max;
} template_keys[] = {
	{ "name", TKEY_NAME, offsetof(struct template, name), NULL, 0, 0 },
	{ "os", TKEY_STRING, offsetof(struct template, os), NULL, 0, 0 },
	{ "description", TKEY_STRING, offsetof(struct template, description),
	  NULL, 0, 0 },
	{ "arch", TKEY_STRING, offsetof(struct template, arch), NULL, 0, 0 },
	{ "machine", TKEY_ENUM, offsetof(struct template, machine), "machine",
	  0, 0 },
	{ "firmware", TKEY_ENUM, offsetof(struct template, firmware),
	  "firmware", 0, 0 },
	{ "display", TKEY_ENUM, offsetof(struct template, display), "display",
	  0, 0 },
	{ "cpus", TKEY_INT, offsetof(struct template, cpus), NULL, 1,
	  VMDEF_CPUS_MAX },
	{ "memory", TKEY_SIZE, offsetof(struct template, memory), NULL, 0, 0 },
	{ "disk_size", TKEY_SIZE, offsetof(struct template, disk_size), NULL,
	  0, 0 },
	{ "bus", TKEY_ENUM, offsetof(struct template, bus), "bus", 0, 0 },
	{ "model", TKEY_ENUM, offsetof(struct template, model), "model", 0,
	  0 },
	{ "boot", TKEY_BOOT, offsetof(struct template, boot), NULL, 0, 0 },
	{ "cloud_init", TKEY_INT, offsetof(struct template, cloud_init), NULL,
	  0, 1 },
	{ "user", TKEY_STRING, offsetof(struct template, user), NULL, 0, 0 },
};

static const char *const template_boot_names[] = { "tinylinux", "disk",
	NULL };

void
template_free(struct template *t)
{
	if (t == NULL)
		return;
	free(t->name);
	free(t->file);
	free(t->os);
	free(t->description);
	free(t->arch);
	free(t->version);
	free(t->homepage);
	free(t->notes);
	free(t->url);
	free(t->sha256);
	free(t->checksum_url);
	free(t->checksum_name);
	free(t->member);
	free(t->user);
	free(t->drivers_url);
	free(t);
}

static int
template_set(struct template *t, const struct tkey *k, const char *value,
    char **cause)
{
	char		**sp = (char **)((char *)t + k->off);
	int		 *ip = (int *)((char *)t + k->off);
	uint64_t	 *up = (uint64_t *)((char *)t + k->off);
	long		  l;
	int		  i;

	switch (k->kind) {
	case TKEY_NAME:
		if (name_check(value, "template", cause) != 0)
			return (-1);
		/* FALLTHROUGH */
	case TKEY_STRING:
		free(*sp);
		*sp = xstrdup(value);
		return (0);
	case TKEY_INT:
		if (str_to_long(value, k->min, k->max, &l, cause) != 0)
			return (-1);
		*ip = (int)l;
		return (0);
	case TKEY_SIZE:
		return (str_to_size(value, 1ULL << 20, up, cause));
	case TKEY_ENUM:
		return (vmdef_enum_value(k->enumkey, value, ip, cause));
	case TKEY_BOOT:
		for (i = 0; template_boot_names[i] != NULL; i++) {
			if (strcmp(template_boot_names[i], value) == 0) {
				*ip = i;
				return (0);
			}
		}
		*cause = xasprintf("boot: '%s' is not tinylinux or disk",
		    value);
		return (-1);
	}
	fatal("unknown template key kind");
}

struct template *
template_load(const char *path, char **cause)
{
	struct template		*t;
	struct ini		*ini;
	const struct ini_entry	*e;
	const struct tkey	*k;
	char			*why = NULL;
	size_t			 i, j;

	if ((ini = ini_load(path, cause)) == NULL)
		return (NULL);
	t = xcalloc(1, sizeof *t);
	t->file = xstrdup(path);
	t->arch = xstrdup("x86_64");
	t->cpus = 1;
	t->memory = 512ULL << 20;
	t->disk_size = 8ULL << 30;
	t->boot = TEMPLATE_BOOT_DISK;
	for (i = 0; i < ini->nentries; i++) {
		e = &ini->entries[i];
		if (strcmp(ini->sections[e->section].type, "template") != 0) {
			*cause = xasprintf("%s:%d: unknown section [%s]", path,
			    ini->sections[e->section].line,
			    ini->sections[e->section].type);
			goto fail;
		}
		for (k = NULL, j = 0; j < sizeof template_keys /
		    sizeof template_keys[0]; j++) {
			if (strcmp(template_keys[j].key, e->key) == 0)
				k = &template_keys[j];
		}
		if (k == NULL) {
			*cause = xasprintf("%s:%d: unknown key '%s'", path,
			    e->line, e->key);
			goto fail;
		}
		if (template_set(t, k, e->value, &why) != 0) {
			*cause = xasprintf("%s:%d: %s", path, e->line, why);
			free(why);
			goto fail;
		}
	}
	if (t->name == NULL) {
		*cause = xasprintf("%s: [template] has no name", path);
		goto fail;
	}
	if (t->memory < VMDEF_MEMORY_MIN || t->memory > VMDEF_MEMORY_MAX) {
		*cause = xasprintf("%s: memory must be between 16M and 1T",
		    path);
		goto fail;
	}
	ini_free(ini);
	return (t);

fail:
	ini_free(ini);
	template_free(t);
	return (NULL);
}

struct template *
template_find(const struct strv *dirs, const char *name, char **cause)
{
	struct template	*t;
	char		*path, *file;
	size_t		 i;

	if (name_check(name, "template", cause) != 0)
		return (NULL);
	file = xasprintf("%s.conf", name);
	for (i = 0; i < dirs->n; i++) {
		path = fs_path_join(dirs->v[i], file);
		if (access(path, F_OK) == 0) {
			t = template_load(path, cause);
			free(path);
			free(file);
			return (t);
		}
		free(path);
	}
	free(file);
	*cause = xasprintf("no template named '%s' (vmdesk templates lists "
	    "them)", name);
	return (NULL);
}

void
template_dirs(const struct library *lib, struct strv *dirs)
{
	const char	*env;
	char		 exe[PATH_MAX], *slash, *p;
	ssize_t		 n;

	if (lib != NULL)
		strv_push(dirs, lib->templates);
	if ((env = getenv("VMDESK_TEMPLATES_DIR")) != NULL && *env != '\0') {
		strv_push(dirs, env);
		return;
	}
	/* Run from a build tree: share/ beside src/. */
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		if ((slash = strrchr(exe, '/')) != NULL) {
			*slash = '\0';
			p = xasprintf("%s/../share/templates", exe);
			if (access(p, F_OK) == 0)
				strv_push(dirs, p);
			free(p);
		}
	}
	strv_push(dirs, VMDESK_DATADIR "/templates");
}

static int
template_cmp(const void *a, const void *b)
{
	const struct template	*ta = *(struct template *const *)a;
	const struct template	*tb = *(struct template *const *)b;

	return (strcmp(ta->name, tb->name));
}

int
template_list(const struct strv *dirs, struct template ***out, size_t *np,
    char **cause)
{
	struct template	**list = NULL, *t;
	struct dirent	 *de;
	DIR		 *d;
	char		 *path;
	size_t		  i, j, n = 0;
	int		  dup;

	for (i = 0; i < dirs->n; i++) {
		if ((d = opendir(dirs->v[i])) == NULL)
			continue;
		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.' ||
			    !str_has_suffix(de->d_name, ".conf"))
				continue;
			path = fs_path_join(dirs->v[i], de->d_name);
			t = template_load(path, cause);
			free(path);
			if (t == NULL) {
				closedir(d);
				template_list_free(list, n);
				return (-1);
			}
			for (dup = 0, j = 0; j < n; j++)
				dup |= strcmp(list[j]->name, t->name) == 0;
			if (dup) {
				template_free(t);
				continue;
			}
			list = xreallocarray(list, n + 1, sizeof *list);
			list[n++] = t;
		}
		closedir(d);
	}
	if (n > 1)
		qsort(list, n, sizeof *list, template_cmp);
	*out = list;
	*np = n;
	return (0);
}

void
template_list_free(struct template **list, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		template_free(list[i]);
	free(list);
}

struct vm_def *
template_to_vmdef(const struct template *t, const char *name,
    const struct template_opts *opt, const struct tinylinux *tl)
{
	struct vm_def	*def;
	struct vm_disk	*disk;
	struct vm_nic	*nic;

	def = vmdef_create(name);
	def->template = xstrdup(t->name);
	if (t->os != NULL)
		def->os = xstrdup(t->os);
	free(def->arch);
	def->arch = xstrdup(t->arch);
	def->machine = t->machine;
	def->firmware = t->firmware;
	def->display = t->display;
	def->cpus = opt->cpus > 0 ? opt->cpus : t->cpus;
	def->memory = opt->memory > 0 ? opt->memory : t->memory;
	disk = vmdef_add_disk(def, "data");
	disk->file = xstrdup("data.qcow2");
	disk->bus = t->bus;
	nic = vmdef_add_nic(def, "net0");
	nic->model = t->model;
	nic->mac = vmdef_random_mac();
	if (opt->nforwards > 0) {
		nic->forwards = xreallocarray(NULL, opt->nforwards,
		    sizeof *nic->forwards);
		memcpy(nic->forwards, opt->forwards, opt->nforwards *
		    sizeof *nic->forwards);
		nic->nforwards = opt->nforwards;
	}
	if (t->boot == TEMPLATE_BOOT_TINYLINUX && tl != NULL) {
		def->boot.kernel = xstrdup(tl->kernel);
		def->boot.initrd = xstrdup(tl->initrd);
		def->boot.cmdline = xstrdup(TINYLINUX_CMDLINE);
	} else if (t->boot == TEMPLATE_BOOT_DISK)
		def->boot.order = xstrdup("c");
	if (t->cloud_init) {
		disk = vmdef_add_disk(def, CLOUDINIT_DISK);
		disk->file = xstrdup(CLOUDINIT_SEED);
		disk->bus = t->bus;
		disk->format = VM_FORMAT_RAW;
		disk->readonly = 1;
	}
	return (def);
}
