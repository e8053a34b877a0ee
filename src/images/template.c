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

#include "backend/qemu_img.h"
#include "core/names.h"
#include "images/cloudinit.h"
#include "images/tinylinux.h"
#include "util/fsutil.h"
#include "util/ini.h"
#include "util/strutil.h"
#include "util/xmalloc.h"

enum tkey_kind {
	TKEY_STRING,
	TKEY_NAME,
	TKEY_SIZE,
	TKEY_VM,	/* a key of vm.conf, read by its table (vmdef_keys) */
	TKEY_BOOT,
	TKEY_BOOL,
	TKEY_FORMAT,
	TKEY_URL,	/* https:// (or http://, checked later) */
	TKEY_LINK,	/* a web page: http:// or https:// */
	TKEY_SHA256,
	TKEY_FILENAME,	/* one path component */
	TKEY_ARCHES	/* architectures, the default first (core/vmarch) */
};

#define TKEY(k, kind)	#k, kind, offsetof(struct template, k)

static const struct tkey {
	const char	*key;
	enum tkey_kind	 kind;
	size_t		 off;
	const char	*vmsection;	/* for TKEY_VM: its section there */
} template_keys[] = {
	{ TKEY(name, TKEY_NAME), NULL },
	{ TKEY(os, TKEY_STRING), NULL },
	{ TKEY(version, TKEY_STRING), NULL },
	{ TKEY(description, TKEY_STRING), NULL },
	{ TKEY(homepage, TKEY_LINK), NULL },
	{ TKEY(notes, TKEY_STRING), NULL },
	{ TKEY(arch, TKEY_ARCHES), NULL },
	{ TKEY(machine, TKEY_VM), "vm" },
	{ TKEY(firmware, TKEY_VM), "vm" },
	{ TKEY(display, TKEY_VM), "vm" },
	{ TKEY(cpus, TKEY_VM), "vm" },
	{ TKEY(memory, TKEY_VM), "vm" },
	{ TKEY(disk_size, TKEY_SIZE), NULL },
	{ TKEY(bus, TKEY_VM), "disk" },
	{ TKEY(model, TKEY_VM), "nic" },
	{ TKEY(boot, TKEY_BOOT), NULL },
	{ TKEY(url, TKEY_URL), NULL },
	{ TKEY(sha256, TKEY_SHA256), NULL },
	{ TKEY(checksum_url, TKEY_URL), NULL },
	{ TKEY(checksum_name, TKEY_FILENAME), NULL },
	{ TKEY(format, TKEY_FORMAT), NULL },
	{ TKEY(member, TKEY_STRING), NULL },
	{ TKEY(cloud_init, TKEY_BOOL), NULL },
	{ TKEY(user, TKEY_VM), "vm" },
	{ TKEY(tpm, TKEY_VM), "vm" },
	{ TKEY(drivers_url, TKEY_URL), NULL },
};

#define TEMPLATE_NKEYS	(sizeof template_keys / sizeof template_keys[0])

static const char *const template_boot_names[] = { "tinylinux", "disk",
	"image", "iso", NULL };
static const char *const template_format_names[] = { "qcow2", "raw",
	"vmdk", "vhd", "iso", NULL };

const char *
template_boot_name(enum template_boot b)
{
	return (template_boot_names[b]);
}

const char *
template_format_name(enum template_format f)
{
	return (template_format_names[f]);
}

char *
template_url_host(const char *url)
{
	const char	*p;
	size_t		 n;

	if ((p = strstr(url, "://")) == NULL)
		return (xstrdup(url));
	p += 3;
	n = strcspn(p, "/:?#");
	return (xstrndup(p, n));
}

const char *
template_disk_file(const struct template *t)
{
	return (t->boot == TEMPLATE_BOOT_IMAGE ? "disk.qcow2" : "data.qcow2");
}

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

/* Whether a URL has a scheme of the list, a host, and no blanks. */
static int
template_url_ok(const char *key, const char *value, int web, char **cause)
{
	const char	*rest;

	if (str_has_prefix(value, "https://"))
		rest = value + strlen("https://");
	else if (str_has_prefix(value, "http://"))
		rest = value + strlen("http://");
	else {
		*cause = xasprintf("%s: '%s' is not an %s URL", key, value,
		    web ? "http:// or https://" : "https://");
		return (-1);
	}
	if (*rest == '\0' || *rest == '/' || strpbrk(value, " \t\"'<>\\")
	    != NULL) {
		*cause = xasprintf("%s: '%s' is not a valid URL", key, value);
		return (-1);
	}
	return (0);
}

int
template_url_secure(const char *url)
{
	char	*host;
	int	 local;

	if (str_has_prefix(url, "https://"))
		return (1);
	host = template_url_host(url);
	local = strcmp(host, "localhost") == 0 ||
	    str_has_prefix(host, "127.") || strcmp(host, "[::1]") == 0;
	free(host);
	return (local);
}

/* Room for the struct of any section of vm.conf a template sets. */
union template_scratch {
	struct vm_def	def;
	struct vm_disk	disk;
	struct vm_nic	nic;
};

/*
 * A hardware key: read by vm.conf's own key table (the same words,
 * bounds and messages), then kept in the template's field.
 */
static int
template_set_vm(struct template *t, const struct tkey *k, const char *value,
    char **cause)
{
	const struct vmdef_key	*vk;
	union template_scratch	 tmp;
	char			*why = NULL, *field = (char *)t + k->off;
	char			*from;

	vk = vmdef_key_find(k->vmsection, k->key);
	if (vk == NULL || !(vk->flags & VMDEF_KEY_TEMPLATE))
		fatal("template key %s is not a template key of vm.conf",
		    k->key);
	memset(&tmp, 0, sizeof tmp);
	if (vmdef_key_set(vk, &tmp, value, &why) != 0) {
		*cause = xasprintf("%s: %s", k->key, why);
		free(why);
		return (-1);
	}
	from = (char *)&tmp + vk->off;
	if (vk->kind == VMDEF_SIZE)
		memcpy(field, from, sizeof (uint64_t));
	else if (vk->kind == VMDEF_INT || vk->kind == VMDEF_ENUM ||
	    vk->kind == VMDEF_BOOL)
		memcpy(field, from, sizeof (int));
	else {
		free(*(char **)(void *)field);
		*(char **)(void *)field = *(char **)(void *)from;
	}
	return (0);
}

static int
template_set(struct template *t, const struct tkey *k, const char *value,
    char **cause)
{
	char		**sp = (char **)((char *)t + k->off);
	int		 *ip = (int *)((char *)t + k->off);
	uint64_t	 *up = (uint64_t *)((char *)t + k->off);
	char		 *list, *p, *why = NULL;
	int		  i;

	switch (k->kind) {
	case TKEY_NAME:
		if (name_check(value, "template", cause) != 0)
			return (-1);
		break;
	case TKEY_STRING:
		break;
	case TKEY_SIZE:
		if (str_to_size(value, 1ULL << 20, up, &why) == 0)
			return (0);
		*cause = xasprintf("%s: %s", k->key, why);
		free(why);
		return (-1);
	case TKEY_VM:
		return (template_set_vm(t, k, value, cause));
	case TKEY_BOOT:
	case TKEY_FORMAT:
	case TKEY_BOOL: {
		if (k->kind == TKEY_BOOL) {
			if (str_to_bool(value, ip, &why) == 0)
				return (0);
			*cause = xasprintf("%s: %s", k->key, why);
			free(why);
			return (-1);
		}
		i = str_choice(k->kind == TKEY_BOOT ?
		    template_boot_names : template_format_names, value);
		if (i >= 0) {
			*ip = i;
			return (0);
		}
		list = str_choices(k->kind == TKEY_BOOT ?
		    template_boot_names : template_format_names);
		*cause = xasprintf("%s: '%s' is not %s", k->key, value, list);
		free(list);
		return (-1);
	}
	case TKEY_URL:
	case TKEY_LINK:
		if (template_url_ok(k->key, value, 1, cause) != 0)
			return (-1);
		break;
	case TKEY_SHA256:
		if (strlen(value) != 64 || strspn(value,
		    "0123456789abcdefABCDEF") != 64) {
			*cause = xasprintf("sha256: '%s' is not 64 hexadecimal "
			    "digits", value);
			return (-1);
		}
		free(*sp);
		*sp = xstrdup(value);
		for (p = *sp; *p != '\0'; p++) {
			if (*p >= 'A' && *p <= 'F')
				*p = (char)(*p - 'A' + 'a');
		}
		return (0);
	case TKEY_ARCHES:
		if (vmarch_list_check(value, cause) != 0)
			return (-1);
		break;
	case TKEY_FILENAME:
		if (*value == '\0' || strchr(value, '/') != NULL) {
			*cause = xasprintf("%s: '%s' is not a file name",
			    k->key, value);
			return (-1);
		}
		break;
	}
	free(*sp);
	*sp = xstrdup(value);
	return (0);
}

/* The line where key was set, or 0. */
static int
template_line(const int *lines, const char *key)
{
	size_t	i;

	for (i = 0; i < TEMPLATE_NKEYS; i++) {
		if (strcmp(template_keys[i].key, key) == 0)
			return (lines[i]);
	}
	fatal("unknown template key");
}

/*
 * The rules between keys, checked once the whole file is read: where the
 * image comes from, how it is verified, and what the boot method needs.
 */
static int
template_check(struct template *t, const char *path, const int *lines,
    char **cause)
{
	static const char *const need_url[] = { "sha256", "checksum_url",
	    "checksum_name", "format", "member", NULL };
	const char	*key = NULL, *why = NULL;
	char		*msg = NULL;
	size_t		 i;

	if (t->name == NULL) {
		*cause = xasprintf("%s: [template] has no name", path);
		return (-1);
	}
	if (t->memory < VMDEF_MEMORY_MIN || t->memory > VMDEF_MEMORY_MAX) {
		*cause = xasprintf("%s:%d: memory must be between 16M and 1T",
		    path, template_line(lines, "memory"));
		return (-1);
	}
	if (t->disk_size < (1ULL << 20)) {
		*cause = xasprintf("%s:%d: disk_size must be at least 1M",
		    path, template_line(lines, "disk_size"));
		return (-1);
	}
	if (t->url == NULL) {
		for (i = 0; need_url[i] != NULL; i++) {
			if (template_line(lines, need_url[i]) != 0) {
				key = need_url[i];
				msg = xasprintf("%s without a url", key);
				goto fail;
			}
		}
	}
	if (t->boot == TEMPLATE_BOOT_IMAGE && t->url == NULL) {
		key = "boot";
		why = "boot = image needs a url (the disk image to fetch)";
	} else if (t->url != NULL && t->boot == TEMPLATE_BOOT_DISK) {
		/* tinylinux takes the image as its /data disk. */
		key = "url";
		why = "a url needs boot = image, iso or tinylinux";
	} else if (t->url != NULL && !template_url_secure(t->url) &&
	    t->sha256 == NULL) {
		key = "url";
		why = "a plain http:// url is allowed only with a pinned "
		    "sha256";
	} else if (t->url != NULL && t->sha256 == NULL &&
	    t->checksum_url == NULL) {
		key = "url";
		why = "a url needs a sha256 or a checksum_url to verify it";
	} else if (t->checksum_url != NULL &&
	    !template_url_secure(t->checksum_url)) {
		key = "checksum_url";
		why = "checksum_url must be https:// (it vouches for the "
		    "image)";
	} else if (t->drivers_url != NULL &&
	    !str_has_prefix(t->drivers_url, "https://")) {
		key = "drivers_url";
		why = "drivers_url must be https://";
	} else if (t->checksum_name != NULL && t->checksum_url == NULL) {
		key = "checksum_name";
		why = "checksum_name without a checksum_url";
	} else if (t->boot == TEMPLATE_BOOT_ISO &&
	    template_line(lines, "format") != 0 &&
	    t->format != TEMPLATE_FORMAT_ISO) {
		key = "format";
		why = "boot = iso needs format = iso";
	} else if (t->boot == TEMPLATE_BOOT_IMAGE &&
	    t->format == TEMPLATE_FORMAT_ISO) {
		key = "format";
		why = "boot = image needs a disk image, not format = iso";
	} else if (t->cloud_init && t->boot == TEMPLATE_BOOT_DISK) {
		/* tinylinux carries no cloud-init but shows the seed. */
		key = "cloud_init";
		why = "cloud_init needs boot = image, iso or tinylinux";
	} else if (t->machine == VM_MACHINE_MICROVM &&
	    t->boot != TEMPLATE_BOOT_TINYLINUX) {
		key = "machine";
		why = "a microvm boots a kernel directly: only with boot = "
		    "tinylinux";
	} else if (t->machine == VM_MACHINE_MICROVM && (t->tpm ||
	    t->firmware != VM_FIRMWARE_BIOS)) {
		key = t->tpm ? "tpm" : "firmware";
		why = "a microvm has no TPM or UEFI firmware";
	}
	if (key == NULL && t->firmware == VM_FIRMWARE_UEFI_SECURE &&
	    t->machine != VM_MACHINE_Q35) {
		key = "firmware";
		why = "firmware = uefi-secure needs machine = q35";
	}
	if (key == NULL) {
		if (t->boot == TEMPLATE_BOOT_ISO)
			t->format = TEMPLATE_FORMAT_ISO;
		return (0);
	}
	msg = xstrdup(why);
fail:
	if (template_line(lines, key) != 0)
		*cause = xasprintf("%s:%d: %s", path,
		    template_line(lines, key), msg);
	else
		*cause = xasprintf("%s: %s", path, msg);
	free(msg);
	return (-1);
}

struct template *
template_load(const char *path, char **cause)
{
	struct template		*t;
	struct ini		*ini;
	const struct ini_entry	*e;
	const struct tkey	*k;
	char			*why = NULL;
	int			 lines[TEMPLATE_NKEYS];
	size_t			 i, j;

	if ((ini = ini_load(path, cause)) == NULL)
		return (NULL);
	memset(lines, 0, sizeof lines);
	t = xcalloc(1, sizeof *t);
	t->file = xstrdup(path);
	t->arch = xstrdup("x86_64");
	t->cpus = 1;
	t->memory = 512ULL << 20;
	t->disk_size = 8ULL << 30;
	t->boot = TEMPLATE_BOOT_DISK;
	t->format = TEMPLATE_FORMAT_QCOW2;
	for (i = 0; i < ini->nentries; i++) {
		e = &ini->entries[i];
		if (strcmp(ini->sections[e->section].type, "template") != 0 ||
		    ini->sections[e->section].name != NULL) {
			*cause = xasprintf("%s:%d: unknown section [%s%s%s]",
			    path, ini->sections[e->section].line,
			    ini->sections[e->section].type,
			    ini->sections[e->section].name != NULL ? " " : "",
			    ini->sections[e->section].name != NULL ?
			    ini->sections[e->section].name : "");
			goto fail;
		}
		for (k = NULL, j = 0; j < TEMPLATE_NKEYS; j++) {
			if (strcmp(template_keys[j].key, e->key) == 0) {
				k = &template_keys[j];
				break;
			}
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
		lines[j] = e->line;
	}
	if (template_check(t, path, lines, cause) != 0)
		goto fail;
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
	enum vm_arch	 arch;
	char		*why = NULL;

	/* The create code refused an architecture the template lacks. */
	if (vmarch_list_pick(t->arch, opt->arch, &arch, &why) != 0)
		fatal("template %s: %s", t->name, why);
	def = vmdef_create(name);
	def->template = xstrdup(t->name);
	if (t->os != NULL)
		def->os = xstrdup(t->os);
	def->machine = t->machine;
	def->firmware = t->firmware;
	def->display = t->display;
	def->tpm = t->tpm;
	if (t->user != NULL)
		def->user = xstrdup(t->user);
	def->cpus = opt->cpus > 0 ? opt->cpus : t->cpus;
	def->memory = opt->memory > 0 ? opt->memory : t->memory;
	/* image: an overlay on the cached image; else a blank disk. */
	disk = vmdef_add_disk(def, t->boot == TEMPLATE_BOOT_IMAGE ? "root" :
	    "data");
	disk->file = xstrdup(template_disk_file(t));
	disk->bus = t->bus;
	/*
	 * NoCloud looks for a filesystem labelled cidata on any block
	 * device, so the seed is one more small read-only disk.
	 */
	if (t->cloud_init) {
		disk = vmdef_add_disk(def, CLOUDINIT_DISK);
		disk->file = xstrdup(CLOUDINIT_SEED);
		disk->bus = VM_BUS_VIRTIO;
		disk->format = VM_FORMAT_RAW;
		disk->readonly = 1;
	}
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
	vmdef_set_arch(def, arch);
	switch (t->boot) {
	case TEMPLATE_BOOT_TINYLINUX:
		if (tl == NULL)
			break;
		def->boot.kernel = xstrdup(tl->kernel);
		def->boot.initrd = xstrdup(tl->initrd);
		def->boot.cmdline = tinylinux_cmdline(arch);
		break;
	case TEMPLATE_BOOT_DISK:
	case TEMPLATE_BOOT_IMAGE:
		def->boot.order = xstrdup("c");
		break;
	case TEMPLATE_BOOT_ISO:
		/*
		 * Disk first: a blank disk is not bootable, so the firmware
		 * goes on to the CD; once installed, the system boots
		 * whatever the installer did to the CD (an eject lasts only
		 * until QEMU restarts, and Alpine's ISO boots with no prompt).
		 */
		if (opt->iso != NULL)
			def->boot.iso = xstrdup(opt->iso);
		def->boot.order = xstrdup("cd");
		break;
	}
	return (def);
}
