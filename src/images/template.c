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
	TKEY_ARCHS,	/* the architectures: one source each */
	TKEY_BOOT,
	TKEY_BOOL,
	TKEY_FORMAT,
	TKEY_INDEX,
	TKEY_URL,	/* https:// (or http://, checked later) */
	TKEY_LINK,	/* a web page: http:// or https:// */
	TKEY_SHA256,
	TKEY_FILENAME,	/* one path component */
	TKEY_HOST
};

#define TKEY(k, kind)	#k, kind, offsetof(struct template, k), 0
#define TSRC(k, kind)	#k, kind, offsetof(struct template_source, k), 1

/*
 * Every key of a template file. The source keys (src = 1) are kept per
 * architecture: "url" for the first, "url.aarch64" for another.
 */
static const struct tkey {
	const char	*key;
	enum tkey_kind	 kind;
	size_t		 off;
	int		 src;
	const char	*vmsection;	/* for TKEY_VM: its section there */
} template_keys[] = {
	{ TKEY(name, TKEY_NAME), NULL },
	{ TKEY(os, TKEY_STRING), NULL },
	{ TKEY(version, TKEY_STRING), NULL },
	{ TKEY(description, TKEY_STRING), NULL },
	{ TKEY(homepage, TKEY_LINK), NULL },
	{ TKEY(notes, TKEY_STRING), NULL },
	{ TKEY(arch, TKEY_ARCHS), "vm" },
	{ TKEY(machine, TKEY_VM), "vm" },
	{ TKEY(firmware, TKEY_VM), "vm" },
	{ TKEY(display, TKEY_VM), "vm" },
	{ TKEY(cpus, TKEY_VM), "vm" },
	{ TKEY(memory, TKEY_VM), "vm" },
	{ TKEY(disk_size, TKEY_SIZE), NULL },
	{ TKEY(bus, TKEY_VM), "disk" },
	{ TKEY(model, TKEY_VM), "nic" },
	{ TKEY(boot, TKEY_BOOT), NULL },
	{ TSRC(url, TKEY_URL), NULL },
	{ TSRC(sha256, TKEY_SHA256), NULL },
	{ TSRC(checksum_url, TKEY_URL), NULL },
	{ TSRC(checksum_name, TKEY_FILENAME), NULL },
	{ TSRC(index, TKEY_URL), NULL },
	{ TSRC(index_format, TKEY_INDEX), NULL },
	{ TSRC(pattern, TKEY_FILENAME), NULL },
	{ TSRC(file_host, TKEY_HOST), NULL },
	{ TKEY(format, TKEY_FORMAT), NULL },
	{ TSRC(member, TKEY_STRING), NULL },
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
static const char *const template_index_names[] = { "none", "html", "sums",
	"redirect", "json", "yaml", NULL };

/* What another architecture takes from the first when it names none. */
static const size_t template_inherited[] = {
	offsetof(struct template_source, checksum_url),
	offsetof(struct template_source, member),
	offsetof(struct template_source, index),
	offsetof(struct template_source, file_host),
};
#define TEMPLATE_NINHERITED \
	(sizeof template_inherited / sizeof template_inherited[0])

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

const char *
template_index_name(enum template_index i)
{
	return (template_index_names[i]);
}

int
template_source(const struct template *t, const char *arch,
    struct template_source *out)
{
	const struct template_source	*s = NULL;
	char				**to, *const *from;
	size_t				 i;

	for (i = 0; i < t->narchs && s == NULL; i++) {
		if (arch == NULL || strcmp(t->src[i].arch, arch) == 0)
			s = &t->src[i];
	}
	if (s == NULL)
		return (-1);
	*out = *s;
	if (s == &t->src[0])
		return (0);
	for (i = 0; i < TEMPLATE_NINHERITED; i++) {
		to = (char **)(void *)((char *)out + template_inherited[i]);
		from = (char *const *)(const void *)((const char *)&t->src[0] +
		    template_inherited[i]);
		if (*to == NULL)
			*to = *from;
	}
	if (out->index_format == TEMPLATE_INDEX_NONE)
		out->index_format = t->src[0].index_format;
	return (0);
}

char *
template_archs(const struct template *t)
{
	char	*s = NULL;
	size_t	 len = 0, size = 0, i;

	for (i = 0; i < t->narchs; i++)
		str_appendf(&s, &len, &size, "%s%s", i > 0 ? " " : "",
		    t->src[i].arch);
	return (s != NULL ? s : xstrdup(""));
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

static void
template_source_free(struct template_source *s)
{
	free(s->arch);
	free(s->url);
	free(s->sha256);
	free(s->checksum_url);
	free(s->checksum_name);
	free(s->member);
	free(s->index);
	free(s->pattern);
	free(s->file_host);
}

void
template_free(struct template *t)
{
	size_t	i;

	if (t == NULL)
		return;
	free(t->name);
	free(t->file);
	free(t->os);
	free(t->description);
	for (i = 0; i < TEMPLATE_ARCH_MAX; i++)
		template_source_free(&t->src[i]);
	free(t->version);
	free(t->homepage);
	free(t->notes);
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

/* The words of a choice key. */
static const char *const *
template_choices(enum tkey_kind kind)
{
	if (kind == TKEY_BOOT)
		return (template_boot_names);
	if (kind == TKEY_INDEX)
		return (template_index_names);
	return (template_format_names);
}

/* One word of the arch key: an architecture core/vmarch knows. */
static int
template_arch_ok(const char *word, char **cause)
{
	return (vmarch_list_check(word, cause));
}

/* arch = x86_64 aarch64: a source each, the first the default. */
static int
template_set_archs(struct template *t, const char *value, char **cause)
{
	char	*copy, *word, *next;
	size_t	 i, n = 0;

	copy = xstrdup(value);
	for (i = 0; i < TEMPLATE_ARCH_MAX; i++) {
		template_source_free(&t->src[i]);
		memset(&t->src[i], 0, sizeof t->src[i]);
	}
	for (next = copy; (word = strsep(&next, " \t")) != NULL;) {
		if (*word == '\0')
			continue;
		for (i = 0; i < n; i++) {
			if (strcmp(t->src[i].arch, word) == 0)
				break;
		}
		if (i < n || n == TEMPLATE_ARCH_MAX) {
			*cause = xasprintf("arch: '%s' %s", word, i < n ?
			    "is named twice" : "is one too many");
			break;
		}
		if (template_arch_ok(word, cause) != 0)
			break;
		t->src[n++].arch = xstrdup(word);
	}
	free(copy);
	t->narchs = n;
	t->arch = n > 0 ? t->src[0].arch : NULL;
	if (word != NULL)
		return (-1);
	if (n == 0) {
		*cause = xstrdup("arch: names no architecture");
		return (-1);
	}
	return (0);
}

/* A host name, as file_host gives it: letters, digits, dots, dashes. */
static int
template_host_ok(const char *value, char **cause)
{
	if (*value == '\0' || strspn(value, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]") != strlen(value)) {
		*cause = xasprintf("file_host: '%s' is not a host name", value);
		return (-1);
	}
	return (0);
}

/* A key into base: the template, or one of its sources (k->src). */
static int
template_set(struct template *t, void *base, const struct tkey *k,
    const char *value, char **cause)
{
	char		**sp = (char **)((char *)base + k->off);
	int		 *ip = (int *)((char *)base + k->off);
	uint64_t	 *up = (uint64_t *)((char *)base + k->off);
	char		 *list, *p, *why = NULL;
	int		  i;

	switch (k->kind) {
	case TKEY_ARCHS:
		return (template_set_archs(t, value, cause));
	case TKEY_HOST:
		if (template_host_ok(value, cause) != 0)
			return (-1);
		break;
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
	case TKEY_INDEX:
	case TKEY_BOOL: {
		if (k->kind == TKEY_BOOL) {
			if (str_to_bool(value, ip, &why) == 0)
				return (0);
			*cause = xasprintf("%s: %s", k->key, why);
			free(why);
			return (-1);
		}
		i = str_choice(template_choices(k->kind), value);
		if (i >= 0) {
			*ip = i;
			return (0);
		}
		list = str_choices(template_choices(k->kind));
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

/* Lines where each key was set, per architecture (0: not set). */
typedef int template_lines[TEMPLATE_ARCH_MAX][TEMPLATE_NKEYS];

/* The row of a key in template_keys. */
static size_t
template_key_index(const char *key)
{
	size_t	j;

	for (j = 0; j < TEMPLATE_NKEYS; j++) {
		if (strcmp(template_keys[j].key, key) == 0)
			return (j);
	}
	fatal("unknown template key");
}

/* The line where key was set for source i (or the first), or 0. */
static int
template_line(template_lines lines, size_t i, const char *key)
{
	size_t	j = template_key_index(key);

	return (lines[i][j] != 0 ? lines[i][j] : lines[0][j]);
}

static const char *template_check_index(const struct template_source *,
		    const char **);

/* Where one source's image comes from and how it is verified. */
static const char *
template_check_source(const struct template *t,
    const struct template_source *s, const char **key)
{
	if (t->boot == TEMPLATE_BOOT_IMAGE && s->url == NULL) {
		*key = "boot";
		return ("boot = image needs a url (the disk image to fetch)");
	}
	if (s->url != NULL && t->boot == TEMPLATE_BOOT_DISK) {
		/* tinylinux takes the image as its /data disk. */
		*key = "url";
		return ("a url needs boot = image, iso or tinylinux");
	}
	if (s->url != NULL && !template_url_secure(s->url) &&
	    s->sha256 == NULL) {
		*key = "url";
		return ("a plain http:// url is allowed only with a pinned "
		    "sha256");
	}
	if (s->url != NULL && s->sha256 == NULL && s->checksum_url == NULL) {
		*key = "url";
		return ("a url needs a sha256 or a checksum_url to verify it");
	}
	if (s->checksum_url != NULL && !template_url_secure(s->checksum_url)) {
		*key = "checksum_url";
		return ("checksum_url must be https:// (it vouches for the "
		    "image)");
	}
	if (s->checksum_name != NULL && s->checksum_url == NULL) {
		*key = "checksum_name";
		return ("checksum_name without a checksum_url");
	}
	return (template_check_index(s, key));
}

/* What an index needs: a pin to fall back on, a format and a pattern. */
static const char *
template_check_index(const struct template_source *s, const char **key)
{
	if (s->index == NULL) {
		*key = s->pattern != NULL ? "pattern" : "index_format";
		if (s->pattern == NULL &&
		    s->index_format == TEMPLATE_INDEX_NONE)
			return (NULL);
		return ("index_format and pattern need an index");
	}
	*key = "index";
	if (s->url == NULL)
		return ("an index needs a url: the last known good pin");
	if (!template_url_secure(s->index))
		return ("index must be https:// (it names the image)");
	if (s->index_format == TEMPLATE_INDEX_NONE)
		return ("an index needs an index_format");
	if (s->pattern == NULL)
		return ("an index needs a pattern (the file names to take)");
	if (s->index_format != TEMPLATE_INDEX_SUMS &&
	    s->index_format != TEMPLATE_INDEX_JSON &&
	    s->index_format != TEMPLATE_INDEX_YAML &&
	    s->checksum_url == NULL)
		return ("an index of this format needs a checksum_url");
	return (NULL);
}

/* The rules between the keys of every architecture's source. */
static int
template_check_sources(struct template *t, const char *path,
    template_lines lines, char **cause)
{
	static const char *const need_url[] = { "sha256", "checksum_url",
	    "checksum_name", "member", "index", NULL };
	struct template_source	 s;
	const char		*key = NULL, *why = NULL;
	char			*msg;
	size_t			 i, j;

	for (i = 0; i < t->narchs && why == NULL; i++) {
		template_source(t, t->src[i].arch, &s);
		if (i > 0 && (t->src[0].url == NULL) != (s.url == NULL)) {
			key = "url";
			why = t->src[0].url == NULL ? "the first arch has no "
			    "url: none may have one" : "every arch needs its "
			    "own url (url.ARCH)";
		}
		for (j = 0; why == NULL && s.url == NULL &&
		    need_url[j] != NULL; j++) {
			if (lines[i][template_key_index(need_url[j])] != 0) {
				key = need_url[j];
				why = "needs a url";
			}
		}
		if (why == NULL)
			why = template_check_source(t, &s, &key);
	}
	if (why == NULL)
		return (0);
	i--;
	msg = xasprintf("%s%s%s%s", i > 0 ? t->src[i].arch : "",
	    i > 0 ? ": " : "", strcmp(why, "needs a url") == 0 ? key : "",
	    strcmp(why, "needs a url") == 0 ? " without a url" : why);
	if (template_line(lines, i, key) != 0)
		*cause = xasprintf("%s:%d: %s", path,
		    template_line(lines, i, key), msg);
	else
		*cause = xasprintf("%s: %s", path, msg);
	free(msg);
	return (-1);
}

/*
 * The rules between keys, checked once the whole file is read: where the
 * image comes from, how it is verified, and what the boot method needs.
 */
static int
template_check(struct template *t, const char *path, template_lines lines,
    char **cause)
{
	const char	*key = NULL, *why = NULL;

	if (t->name == NULL) {
		*cause = xasprintf("%s: [template] has no name", path);
		return (-1);
	}
	if (t->memory < VMDEF_MEMORY_MIN || t->memory > VMDEF_MEMORY_MAX) {
		*cause = xasprintf("%s:%d: memory must be between 16M and 1T",
		    path, template_line(lines, 0, "memory"));
		return (-1);
	}
	if (t->disk_size < (1ULL << 20)) {
		*cause = xasprintf("%s:%d: disk_size must be at least 1M",
		    path, template_line(lines, 0, "disk_size"));
		return (-1);
	}
	if (template_check_sources(t, path, lines, cause) != 0)
		return (-1);
	if (t->drivers_url != NULL &&
	    !str_has_prefix(t->drivers_url, "https://")) {
		key = "drivers_url";
		why = "drivers_url must be https://";
	} else if (t->boot == TEMPLATE_BOOT_ISO &&
	    template_line(lines, 0, "format") != 0 &&
	    t->format != TEMPLATE_FORMAT_ISO) {
		key = "format";
		why = "boot = iso needs format = iso";
	} else if (t->boot == TEMPLATE_BOOT_IMAGE &&
	    t->format == TEMPLATE_FORMAT_ISO) {
		key = "format";
		why = "boot = image needs a disk image, not format = iso";
	} else if (t->src[0].url == NULL &&
	    template_line(lines, 0, "format") != 0) {
		key = "format";
		why = "format without a url";
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
	if (template_line(lines, 0, key) != 0)
		*cause = xasprintf("%s:%d: %s", path,
		    template_line(lines, 0, key), why);
	else
		*cause = xasprintf("%s: %s", path, why);
	return (-1);
}

/*
 * The key of an entry and the source it sets: "url.aarch64" is url of
 * aarch64's source. NULL and *cause for an unknown key or arch.
 */
static const struct tkey *
template_key(struct template *t, const char *entry, size_t *srcp,
    char **cause)
{
	const char	*dot;
	size_t		 len, i, j;

	dot = strchr(entry, '.');
	len = dot != NULL ? (size_t)(dot - entry) : strlen(entry);
	for (j = 0; j < TEMPLATE_NKEYS; j++) {
		if (strlen(template_keys[j].key) == len &&
		    strncmp(template_keys[j].key, entry, len) == 0)
			break;
	}
	if (j == TEMPLATE_NKEYS || (dot != NULL && !template_keys[j].src)) {
		*cause = xasprintf("unknown key '%s'", entry);
		return (NULL);
	}
	*srcp = 0;
	if (dot == NULL)
		return (&template_keys[j]);
	for (i = 1; i < t->narchs; i++) {
		if (strcmp(t->src[i].arch, dot + 1) == 0) {
			*srcp = i;
			return (&template_keys[j]);
		}
	}
	*cause = xasprintf("%s: '%s' is not an arch of this template after "
	    "the first (arch = %s)", entry, dot + 1, t->arch);
	return (NULL);
}

/* The defaults, then every entry of [template]. */
static int
template_read(struct template *t, const struct ini *ini, const char *path,
    template_lines lines, char **cause)
{
	const struct ini_entry	*e;
	const struct ini_section *sec;
	const struct tkey	*k;
	char			*why = NULL;
	size_t			 i, si;

	for (i = 0; i < ini->nentries; i++) {
		e = &ini->entries[i];
		sec = &ini->sections[e->section];
		if (strcmp(sec->type, "template") != 0 || sec->name != NULL) {
			*cause = xasprintf("%s:%d: unknown section [%s%s%s]",
			    path, sec->line, sec->type,
			    sec->name != NULL ? " " : "",
			    sec->name != NULL ? sec->name : "");
			return (-1);
		}
		if ((k = template_key(t, e->key, &si, &why)) == NULL ||
		    template_set(t, k->src ? (void *)&t->src[si] : (void *)t,
		    k, e->value, &why) != 0) {
			*cause = xasprintf("%s:%d: %s", path, e->line, why);
			free(why);
			return (-1);
		}
		lines[si][k - template_keys] = e->line;
	}
	return (0);
}

struct template *
template_load(const char *path, char **cause)
{
	struct template	*t;
	struct ini	*ini;
	template_lines	 lines;

	if ((ini = ini_load(path, cause)) == NULL)
		return (NULL);
	memset(lines, 0, sizeof lines);
	t = xcalloc(1, sizeof *t);
	t->file = xstrdup(path);
	t->src[0].arch = xstrdup("x86_64");
	t->arch = t->src[0].arch;
	t->narchs = 1;
	t->cpus = 1;
	t->memory = 512ULL << 20;
	t->disk_size = 8ULL << 30;
	t->boot = TEMPLATE_BOOT_DISK;
	t->format = TEMPLATE_FORMAT_QCOW2;
	if (template_read(t, ini, path, lines, cause) != 0 ||
	    template_check(t, path, lines, cause) != 0) {
		ini_free(ini);
		template_free(t);
		return (NULL);
	}
	ini_free(ini);
	return (t);
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
	char		*archs, *why = NULL;

	/* The create code refused an architecture the template lacks. */
	archs = template_archs(t);
	if (vmarch_list_pick(archs, opt->arch, &arch, &why) != 0)
		fatal("template %s: %s", t->name, why);
	free(archs);
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
