/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The VM definition: parse, validate and write vm.conf. */
#include "config.h"

#include "core/vmdef.h"

#include <sys/stat.h>

#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/names.h"
#include "util/fsutil.h"
#include "util/ini.h"
#include "util/strutil.h"
#include "util/xmalloc.h"

static const char *const machine_names[] = { "q35", "pc", "microvm", NULL };
static const char *const firmware_names[] = { "bios", "uefi",
	"uefi-secure", NULL };
static const char *const display_names[] = { "vga", "virtio", "none", NULL };
static const char *const bus_names[] = {
	"virtio", "sata", "ide", "scsi", "nvme", NULL
};
static const char *const format_names[] = { "qcow2", "raw", NULL };
static const char *const nic_names[] = { "virtio", "e1000", "rtl8139", NULL };
static const char *const accel_names[] = { "auto", "kvm", "tcg", NULL };
static const char *const arch_names[] = { "x86_64", NULL };

enum key_kind {
	KEY_STRING,	/* char *, any one-line text */
	KEY_CHOICE,	/* char *, one of names */
	KEY_PATH,	/* char *, a file path */
	KEY_NAME,	/* char *, checked by name_check() */
	KEY_LOGIN,	/* char *, checked by name_login_check() */
	KEY_INT,	/* int within [min, max] */
	KEY_SIZE,	/* uint64_t bytes, default unit MiB */
	KEY_ENUM,	/* an enum stored as int, index into names */
	KEY_BOOL,	/* int 0/1: yes/no, true/false, on/off */
	KEY_FORWARD	/* nic forwards, repeatable */
};

struct key_spec {
	const char		*key;
	enum key_kind		 kind;
	size_t			 off;
	long			 min;
	long			 max;
	const char *const	*names;
};

#define DEF(f)	offsetof(struct vm_def, f)
#define BOOT(f)	offsetof(struct vm_boot, f)
#define DISK(f)	offsetof(struct vm_disk, f)
#define NIC(f)	offsetof(struct vm_nic, f)

static const struct key_spec vm_keys[] = {
	{ "name", KEY_NAME, DEF(name), 0, 0, NULL },
	{ "template", KEY_NAME, DEF(template), 0, 0, NULL },
	{ "os", KEY_STRING, DEF(os), 0, 0, NULL },
	{ "arch", KEY_CHOICE, DEF(arch), 0, 0, arch_names },
	{ "machine", KEY_ENUM, DEF(machine), 0, 0, machine_names },
	{ "accel", KEY_CHOICE, DEF(accel), 0, 0, accel_names },
	{ "cpus", KEY_INT, DEF(cpus), 1, VMDEF_CPUS_MAX, NULL },
	{ "memory", KEY_SIZE, DEF(memory), 0, 0, NULL },
	{ "firmware", KEY_ENUM, DEF(firmware), 0, 0, firmware_names },
	{ "display", KEY_ENUM, DEF(display), 0, 0, display_names },
	{ "tpm", KEY_BOOL, DEF(tpm), 0, 0, NULL },
	{ "vnc_tcp", KEY_BOOL, DEF(vnc_tcp), 0, 0, NULL },
	{ "vnc_port", KEY_INT, DEF(vnc_port), 0, VMDEF_VNC_PORT_MAX, NULL },
	{ "user", KEY_LOGIN, DEF(user), 0, 0, NULL },
	{ "instance_id", KEY_STRING, DEF(instance_id), 0, 0, NULL },
};

static const struct key_spec boot_keys[] = {
	{ "kernel", KEY_PATH, BOOT(kernel), 0, 0, NULL },
	{ "initrd", KEY_PATH, BOOT(initrd), 0, 0, NULL },
	{ "cmdline", KEY_STRING, BOOT(cmdline), 0, 0, NULL },
	{ "iso", KEY_PATH, BOOT(iso), 0, 0, NULL },
	{ "order", KEY_STRING, BOOT(order), 0, 0, NULL },
};

static const struct key_spec disk_keys[] = {
	{ "file", KEY_PATH, DISK(file), 0, 0, NULL },
	{ "bus", KEY_ENUM, DISK(bus), 0, 0, bus_names },
	{ "format", KEY_ENUM, DISK(format), 0, 0, format_names },
	{ "readonly", KEY_BOOL, DISK(readonly), 0, 0, NULL },
};

static const struct key_spec nic_keys[] = {
	{ "model", KEY_ENUM, NIC(model), 0, 0, nic_names },
	{ "mac", KEY_STRING, NIC(mac), 0, 0, NULL },
	{ "forward", KEY_FORWARD, 0, 0, 0, NULL },
};

#define NKEYS(t)	(sizeof (t) / sizeof (t)[0])

/* Where a section's keys are stored: the struct its offsets count from. */
enum section_kind {
	SECTION_VM,
	SECTION_BOOT,
	SECTION_DISK,
	SECTION_NIC
};

static const struct section_spec {
	const char		*type;
	enum section_kind	 kind;
	int			 named;	/* needs [type NAME] */
	const struct key_spec	*keys;
	size_t			 nkeys;
} section_specs[] = {
	{ "vm", SECTION_VM, 0, vm_keys, NKEYS(vm_keys) },
	{ "boot", SECTION_BOOT, 0, boot_keys, NKEYS(boot_keys) },
	{ "disk", SECTION_DISK, 1, disk_keys, NKEYS(disk_keys) },
	{ "nic", SECTION_NIC, 1, nic_keys, NKEYS(nic_keys) },
};

const char *
vmdef_machine_name(enum vm_machine m)
{
	return (machine_names[m]);
}

const char *
vmdef_firmware_name(enum vm_firmware f)
{
	return (firmware_names[f]);
}

const char *
vmdef_display_name(enum vm_display d)
{
	return (display_names[d]);
}

const char *
vmdef_bus_name(enum vm_disk_bus b)
{
	return (bus_names[b]);
}

const char *
vmdef_format_name(enum vm_disk_format f)
{
	return (format_names[f]);
}

const char *
vmdef_nic_name(enum vm_nic_model m)
{
	return (nic_names[m]);
}

struct vm_def *
vmdef_create(const char *name)
{
	struct vm_def	*def;

	def = xcalloc(1, sizeof *def);
	def->name = xstrdup(name);
	def->arch = xstrdup("x86_64");
	def->machine = VM_MACHINE_Q35;
	def->accel = xstrdup("auto");
	def->cpus = 1;
	def->memory = 512ULL << 20;
	def->firmware = VM_FIRMWARE_BIOS;
	def->display = VM_DISPLAY_VGA;
	strv_init(&def->warnings);
	return (def);
}

static void
vmdef_free_disk(struct vm_disk *d)
{
	free(d->name);
	free(d->file);
}

static void
vmdef_free_nic(struct vm_nic *n)
{
	free(n->name);
	free(n->mac);
	free(n->forwards);
}

void
vmdef_free(struct vm_def *def)
{
	size_t	i;

	if (def == NULL)
		return;
	free(def->name);
	free(def->template);
	free(def->arch);
	free(def->accel);
	free(def->os);
	free(def->user);
	free(def->instance_id);
	free(def->boot.kernel);
	free(def->boot.initrd);
	free(def->boot.cmdline);
	free(def->boot.iso);
	free(def->boot.order);
	for (i = 0; i < def->ndisks; i++)
		vmdef_free_disk(&def->disks[i]);
	free(def->disks);
	for (i = 0; i < def->nnics; i++)
		vmdef_free_nic(&def->nics[i]);
	free(def->nics);
	for (i = 0; i < def->nextras; i++) {
		free(def->extras[i].type);
		free(def->extras[i].secname);
		free(def->extras[i].key);
		free(def->extras[i].value);
	}
	free(def->extras);
	strv_clear(&def->warnings);
	free(def);
}

struct vm_disk *
vmdef_add_disk(struct vm_def *def, const char *name)
{
	struct vm_disk	*d;

	def->disks = xreallocarray(def->disks, def->ndisks + 1,
	    sizeof *def->disks);
	d = &def->disks[def->ndisks++];
	memset(d, 0, sizeof *d);
	d->name = xstrdup(name);
	d->bus = VM_BUS_VIRTIO;
	d->format = VM_FORMAT_QCOW2;
	return (d);
}

struct vm_nic *
vmdef_add_nic(struct vm_def *def, const char *name)
{
	struct vm_nic	*n;

	def->nics = xreallocarray(def->nics, def->nnics + 1,
	    sizeof *def->nics);
	n = &def->nics[def->nnics++];
	memset(n, 0, sizeof *n);
	n->name = xstrdup(name);
	n->model = VM_NIC_VIRTIO;
	return (n);
}

char *
vmdef_disk_path(const struct vm_disk *d, const char *vmdir)
{
	if (d->file[0] == '/')
		return (xstrdup(d->file));
	return (fs_path_join(vmdir, d->file));
}

char *
vmdef_random_mac(void)
{
	unsigned char	b[3];
	int		fd;

	fd = open("/dev/urandom", O_RDONLY|O_CLOEXEC);
	if (fd == -1 || read(fd, b, sizeof b) != (ssize_t)sizeof b)
		fatal("cannot read /dev/urandom");
	close(fd);
	return (xasprintf("52:54:00:%02x:%02x:%02x", b[0], b[1], b[2]));
}

int
vmdef_parse_forward(const char *s, struct vm_forward *fw, char **cause)
{
	char	*copy, *proto, *host, *guest, *why = NULL;
	long	 hp, gp;
	int	 rc = -1;

	copy = xstrdup(s);
	proto = copy;
	if ((host = strchr(proto, ':')) == NULL ||
	    (guest = strchr(host + 1, ':')) == NULL) {
		*cause = xasprintf("forward '%s' is not PROTO:HOSTPORT:GUESTPORT"
		    " (example: tcp:2222:22)", s);
		goto out;
	}
	*host++ = '\0';
	*guest++ = '\0';
	if (strcmp(proto, "tcp") != 0 && strcmp(proto, "udp") != 0) {
		*cause = xasprintf("forward '%s': protocol must be tcp or udp",
		    s);
		goto out;
	}
	if (str_to_long(host, 1, 65535, &hp, &why) != 0 ||
	    str_to_long(guest, 1, 65535, &gp, &why) != 0) {
		*cause = xasprintf("forward '%s': port %s", s, why);
		free(why);
		goto out;
	}
	fw->udp = strcmp(proto, "udp") == 0;
	fw->host_port = (int)hp;
	fw->guest_port = (int)gp;
	rc = 0;
out:
	free(copy);
	return (rc);
}

static int
vmdef_set_key(const struct key_spec *ks, void *base, const char *value,
    const char *where, char **cause)
{
	char		**sp = (char **)((char *)base + ks->off);
	int		 *ip = (int *)((char *)base + ks->off);
	uint64_t	 *up = (uint64_t *)((char *)base + ks->off);
	struct vm_nic	 *nic = base;
	struct vm_forward fw;
	char		 *why = NULL, *list;
	long		  l;
	int		  i;

	switch (ks->kind) {
	case KEY_NAME:
	case KEY_LOGIN:
		/*
		 * A login goes into ssh's argv: never one that looks like
		 * an option (a bundle from elsewhere carries its vm.conf).
		 */
		if ((ks->kind == KEY_NAME ? name_check(value, ks->key, &why) :
		    name_login_check(value, &why)) != 0)
			goto bad;
		/* FALLTHROUGH */
	case KEY_STRING:
	case KEY_PATH:
		if (*value == '\0' && ks->kind == KEY_PATH) {
			why = xstrdup("empty path");
			goto bad;
		}
		free(*sp);
		*sp = xstrdup(value);
		return (0);
	case KEY_CHOICE:
	case KEY_ENUM:
		if ((i = str_choice(ks->names, value)) == -1) {
			list = str_choices(ks->names);
			why = xasprintf("'%s' is not %s", value, list);
			free(list);
			goto bad;
		}
		if (ks->kind == KEY_ENUM)
			*ip = i;
		else {
			free(*sp);
			*sp = xstrdup(value);
		}
		return (0);
	case KEY_INT:
		if (str_to_long(value, ks->min, ks->max, &l, &why) != 0)
			goto bad;
		*ip = (int)l;
		return (0);
	case KEY_SIZE:
		if (str_to_size(value, 1ULL << 20, up, &why) != 0)
			goto bad;
		return (0);
	case KEY_BOOL:
		if (strcmp(value, "yes") == 0 || strcmp(value, "true") == 0 ||
		    strcmp(value, "on") == 0 || strcmp(value, "1") == 0)
			*ip = 1;
		else if (strcmp(value, "no") == 0 ||
		    strcmp(value, "false") == 0 || strcmp(value, "off") == 0 ||
		    strcmp(value, "0") == 0)
			*ip = 0;
		else {
			why = xasprintf("'%s' is not yes or no", value);
			goto bad;
		}
		return (0);
	case KEY_FORWARD:
		if (vmdef_parse_forward(value, &fw, &why) != 0)
			goto bad;
		nic->forwards = xreallocarray(nic->forwards,
		    nic->nforwards + 1, sizeof *nic->forwards);
		nic->forwards[nic->nforwards++] = fw;
		return (0);
	}
	fatal("unknown key kind %d", ks->kind);

bad:
	*cause = xasprintf("%s: %s: %s", where, ks->key, why);
	free(why);
	return (-1);
}

static void
vmdef_keep_extra(struct vm_def *def, const struct ini_section *sec,
    const char *key, const char *value)
{
	struct vm_extra	*x;

	def->extras = xreallocarray(def->extras, def->nextras + 1,
	    sizeof *def->extras);
	x = &def->extras[def->nextras++];
	x->type = xstrdup(sec->type);
	x->secname = sec->name == NULL ? NULL : xstrdup(sec->name);
	x->key = xstrdup(key);
	x->value = xstrdup(value);
}

static const struct section_spec *
vmdef_find_section(const char *type)
{
	size_t	i;

	for (i = 0; i < NKEYS(section_specs); i++) {
		if (strcmp(section_specs[i].type, type) == 0)
			return (&section_specs[i]);
	}
	return (NULL);
}

/* Open each section: find or make the struct its keys go into. */
static int
vmdef_open_sections(struct vm_def *def, const struct ini *ini, void **bases,
    char **cause)
{
	const struct ini_section	*sec;
	const struct section_spec	*ss;
	size_t				 i, j;
	int				 seen_vm = 0, seen_boot = 0;

	for (i = 0; i < ini->nsections; i++) {
		sec = &ini->sections[i];
		bases[i] = NULL;
		if ((ss = vmdef_find_section(sec->type)) == NULL) {
			strv_pushf(&def->warnings, "%s:%d: unknown section "
			    "[%s], kept as it is", ini->file, sec->line,
			    sec->type);
			continue;
		}
		if (ss->named != (sec->name != NULL)) {
			*cause = xasprintf("%s:%d: [%s] %s", ini->file,
			    sec->line, sec->type, ss->named ?
			    "needs a name, as in [disk root]" :
			    "takes no name");
			return (-1);
		}
		if (ss->named && name_check(sec->name, sec->type, cause) != 0) {
			char *why = *cause;

			*cause = xasprintf("%s:%d: %s", ini->file, sec->line,
			    why);
			free(why);
			return (-1);
		}
		switch (ss->kind) {
		case SECTION_VM:
			if (seen_vm++)
				goto twice;
			bases[i] = def;
			break;
		case SECTION_BOOT:
			if (seen_boot++)
				goto twice;
			bases[i] = &def->boot;
			break;
		case SECTION_DISK:
		case SECTION_NIC:
			for (j = 0; j < i; j++) {
				if (strcmp(ini->sections[j].type,
				    sec->type) == 0 &&
				    strcmp(ini->sections[j].name,
				    sec->name) == 0)
					goto twice;
			}
			break;
		}
	}
	/* Disks and NICs: add after counting so the arrays do not move. */
	for (i = 0; i < ini->nsections; i++) {
		sec = &ini->sections[i];
		if (strcmp(sec->type, "disk") == 0)
			vmdef_add_disk(def, sec->name);
		else if (strcmp(sec->type, "nic") == 0)
			vmdef_add_nic(def, sec->name);
	}
	for (i = 0, j = 0; i < ini->nsections; i++) {
		if (strcmp(ini->sections[i].type, "disk") == 0)
			bases[i] = &def->disks[j++];
	}
	for (i = 0, j = 0; i < ini->nsections; i++) {
		if (strcmp(ini->sections[i].type, "nic") == 0)
			bases[i] = &def->nics[j++];
	}
	if (!seen_vm) {
		*cause = xasprintf("%s: no [vm] section", ini->file);
		return (-1);
	}
	return (0);

twice:
	*cause = xasprintf("%s:%d: section [%s%s%s] appears twice", ini->file,
	    sec->line, sec->type, sec->name == NULL ? "" : " ",
	    sec->name == NULL ? "" : sec->name);
	return (-1);
}

static const struct key_spec *
vmdef_find_key(const struct section_spec *ss, const char *key)
{
	size_t	i;

	for (i = 0; i < ss->nkeys; i++) {
		if (strcmp(ss->keys[i].key, key) == 0)
			return (&ss->keys[i]);
	}
	return (NULL);
}

/* A scalar key given twice in one section is an error, not a silent pick. */
static int
vmdef_check_twice(const struct ini *ini, size_t idx, char **cause)
{
	const struct ini_entry	*e = &ini->entries[idx];
	size_t			 i;

	for (i = 0; i < idx; i++) {
		if (ini->entries[i].section == e->section &&
		    strcmp(ini->entries[i].key, e->key) == 0) {
			*cause = xasprintf("%s:%d: '%s' is already set at "
			    "line %d", ini->file, e->line, e->key,
			    ini->entries[i].line);
			return (-1);
		}
	}
	return (0);
}

int
vmdef_enum_value(const char *key, const char *value, int *out, char **cause)
{
	const struct key_spec	*ks;
	char			*list;
	size_t			 i;
	int			 v;

	for (i = 0; i < NKEYS(section_specs); i++) {
		ks = vmdef_find_key(&section_specs[i], key);
		if (ks == NULL || ks->kind != KEY_ENUM)
			continue;
		if ((v = str_choice(ks->names, value)) == -1) {
			list = str_choices(ks->names);
			*cause = xasprintf("%s: '%s' is not %s", key,
			    value, list);
			free(list);
			return (-1);
		}
		*out = v;
		return (0);
	}
	fatal("no enum key %s in vm.conf", key);
}

struct vm_def *
vmdef_parse(const char *text, size_t len, const char *file, char **cause)
{
	struct ini			*ini;
	struct vm_def			*def;
	const struct ini_entry		*e;
	const struct ini_section	*sec;
	const struct section_spec	*ss;
	const struct key_spec		*ks;
	void				**bases = NULL;
	char				*where;
	size_t				 i;
	int				 rc;

	if ((ini = ini_parse(text, len, file, cause)) == NULL)
		return (NULL);
	def = vmdef_create("unnamed");
	free(def->name);
	def->name = NULL;
	bases = xcalloc(ini->nsections + 1, sizeof *bases);
	if (vmdef_open_sections(def, ini, bases, cause) != 0)
		goto fail;
	for (i = 0; i < ini->nentries; i++) {
		e = &ini->entries[i];
		sec = &ini->sections[e->section];
		ss = vmdef_find_section(sec->type);
		ks = ss == NULL ? NULL : vmdef_find_key(ss, e->key);
		if (ks == NULL) {
			if (ss != NULL)
				strv_pushf(&def->warnings, "%s:%d: unknown key "
				    "'%s' in [%s], kept as it is", file,
				    e->line, e->key, sec->type);
			vmdef_keep_extra(def, sec, e->key, e->value);
			continue;
		}
		if (ks->kind != KEY_FORWARD &&
		    vmdef_check_twice(ini, i, cause) != 0)
			goto fail;
		where = xasprintf("%s:%d", file, e->line);
		rc = vmdef_set_key(ks, bases[e->section], e->value, where,
		    cause);
		free(where);
		if (rc != 0)
			goto fail;
	}
	if (def->name == NULL) {
		*cause = xasprintf("%s: [vm] has no name", file);
		goto fail;
	}
	for (i = 0; i < def->ndisks; i++) {
		if (def->disks[i].file == NULL) {
			*cause = xasprintf("%s: [disk %s] has no file", file,
			    def->disks[i].name);
			goto fail;
		}
	}
	for (i = 0; i < def->nnics; i++) {
		if (def->nics[i].mac == NULL)
			def->nics[i].mac = vmdef_random_mac();
	}
	free(bases);
	ini_free(ini);
	return (def);

fail:
	free(bases);
	ini_free(ini);
	vmdef_free(def);
	return (NULL);
}

struct vm_def *
vmdef_load(const char *path, char **cause)
{
	struct vm_def	*def;
	char		*text;
	size_t		 len;

	if ((text = fs_read_file(path, &len, cause)) == NULL)
		return (NULL);
	def = vmdef_parse(text, len, path, cause);
	free(text);
	return (def);
}

static int
vmdef_mac_ok(const char *mac)
{
	int	i;

	if (strlen(mac) != 17)
		return (0);
	for (i = 0; i < 17; i++) {
		if (i % 3 == 2) {
			if (mac[i] != ':')
				return (0);
		} else if (strchr("0123456789abcdefABCDEF", mac[i]) == NULL ||
		    mac[i] == '\0')
			return (0);
	}
	/* The low bit of the first byte marks multicast: not for a NIC. */
	return ((strtol(mac, NULL, 16) & 1) == 0);
}

static int
vmdef_file_ok(const char *vmdir, const char *path, const char *what,
    const char *vm, char **cause)
{
	char	*full;
	int	 ok;

	full = path[0] == '/' ? xstrdup(path) : fs_path_join(vmdir, path);
	ok = access(full, R_OK) == 0;
	if (!ok)
		*cause = xasprintf("VM %s: %s %s is missing or unreadable", vm,
		    what, full);
	free(full);
	return (ok ? 0 : -1);
}

static int
vmdef_validate_nics(const struct vm_def *def, char **cause)
{
	const struct vm_forward	*a, *b;
	size_t			 i, j, k, l;

	for (i = 0; i < def->nnics; i++) {
		if (!vmdef_mac_ok(def->nics[i].mac)) {
			*cause = xasprintf("VM %s: nic %s: '%s' is not a "
			    "unicast MAC address", def->name,
			    def->nics[i].name, def->nics[i].mac);
			return (-1);
		}
		for (j = 0; j < def->nics[i].nforwards; j++) {
			a = &def->nics[i].forwards[j];
			for (k = i; k < def->nnics; k++) {
				for (l = (k == i ? j + 1 : 0);
				    l < def->nics[k].nforwards; l++) {
					b = &def->nics[k].forwards[l];
					if (a->udp == b->udp &&
					    a->host_port == b->host_port) {
						*cause = xasprintf("VM %s: host"
						    " port %d is forwarded "
						    "twice", def->name,
						    a->host_port);
						return (-1);
					}
				}
			}
		}
	}
	return (0);
}

/* VNC over TCP needs a screen, and QEMU counts its ports from 5900. */
static int
vmdef_validate_vnc(const struct vm_def *def, char **cause)
{
	size_t	i, j;

	if (def->vnc_port != 0 && (def->vnc_port < VMDEF_VNC_PORT_MIN ||
	    def->vnc_port > VMDEF_VNC_PORT_MAX)) {
		*cause = xasprintf("VM %s: vnc_port must be 0 (a free port) or "
		    "between %d and %d", def->name, VMDEF_VNC_PORT_MIN,
		    VMDEF_VNC_PORT_MAX);
		return (-1);
	}
	if (!def->vnc_tcp)
		return (0);
	if (def->display == VM_DISPLAY_NONE ||
	    def->machine == VM_MACHINE_MICROVM) {
		*cause = xasprintf("VM %s: vnc_tcp needs a display (this VM "
		    "has none)", def->name);
		return (-1);
	}
	for (i = 0; i < def->nnics; i++) {
		for (j = 0; j < def->nics[i].nforwards; j++) {
			if (!def->nics[i].forwards[j].udp &&
			    def->nics[i].forwards[j].host_port ==
			    def->vnc_port) {
				*cause = xasprintf("VM %s: vnc_port %d is also "
				    "a port forward", def->name,
				    def->vnc_port);
				return (-1);
			}
		}
	}
	return (0);
}

int
vmdef_validate(const struct vm_def *def, const char *vmdir, char **cause)
{
	const struct vm_disk	*d;
	size_t			 i;

	if (name_check(def->name, "VM", cause) != 0)
		return (-1);
	if (def->memory < VMDEF_MEMORY_MIN || def->memory > VMDEF_MEMORY_MAX) {
		*cause = xasprintf("VM %s: memory must be between 16M and 1T",
		    def->name);
		return (-1);
	}
	if (def->cpus < 1 || def->cpus > VMDEF_CPUS_MAX) {
		*cause = xasprintf("VM %s: cpus must be between 1 and %d",
		    def->name, VMDEF_CPUS_MAX);
		return (-1);
	}
	if (def->machine == VM_MACHINE_MICROVM) {
		if (def->boot.kernel == NULL) {
			*cause = xasprintf("VM %s: a microvm boots a kernel "
			    "directly: set kernel in [boot]", def->name);
			return (-1);
		}
		if (def->firmware != VM_FIRMWARE_BIOS) {
			*cause = xasprintf("VM %s: a microvm has no UEFI "
			    "firmware", def->name);
			return (-1);
		}
	}
	/* OVMF's Secure Boot build needs SMM, which only q35 gives it. */
	if (def->firmware == VM_FIRMWARE_UEFI_SECURE &&
	    def->machine != VM_MACHINE_Q35) {
		*cause = xasprintf("VM %s: firmware uefi-secure needs machine "
		    "q35", def->name);
		return (-1);
	}
	if (vmdef_validate_vnc(def, cause) != 0)
		return (-1);
	if (def->boot.initrd != NULL && def->boot.kernel == NULL) {
		*cause = xasprintf("VM %s: an initrd needs a kernel in [boot]",
		    def->name);
		return (-1);
	}
	if (def->boot.cmdline != NULL && def->boot.kernel == NULL) {
		*cause = xasprintf("VM %s: a kernel command line needs a "
		    "kernel in [boot]", def->name);
		return (-1);
	}
	if (def->boot.order != NULL &&
	    (def->boot.order[0] == '\0' ||
	    strspn(def->boot.order, "acdn") != strlen(def->boot.order))) {
		*cause = xasprintf("VM %s: boot order '%s' may only use the "
		    "letters c (disk), d (CD), n (network), a (floppy)",
		    def->name, def->boot.order);
		return (-1);
	}
	if (def->boot.kernel != NULL && vmdef_file_ok(vmdir, def->boot.kernel,
	    "kernel", def->name, cause) != 0)
		return (-1);
	if (def->boot.initrd != NULL && vmdef_file_ok(vmdir, def->boot.initrd,
	    "initrd", def->name, cause) != 0)
		return (-1);
	if (def->boot.iso != NULL && vmdef_file_ok(vmdir, def->boot.iso,
	    "ISO", def->name, cause) != 0)
		return (-1);
	for (i = 0; i < def->ndisks; i++) {
		d = &def->disks[i];
		if (vmdef_file_ok(vmdir, d->file, "disk", def->name,
		    cause) != 0)
			return (-1);
		if (def->machine == VM_MACHINE_MICROVM &&
		    d->bus != VM_BUS_VIRTIO) {
			*cause = xasprintf("VM %s: disk %s: a microvm only has "
			    "virtio disks", def->name, d->name);
			return (-1);
		}
	}
	return (vmdef_validate_nics(def, cause));
}

#define OUT(...)	str_appendf(&buf, &len, &cap, __VA_ARGS__)

/* A "key = value" line whose value reads back exactly. */
static void
vmdef_out_value(char **bufp, size_t *lenp, size_t *capp, const char *key,
    const char *value)
{
	char	*q = ini_quote(value);

	str_appendf(bufp, lenp, capp, "%s = %s\n", key, q);
	free(q);
}

#define OUTV(k, v)	vmdef_out_value(&buf, &len, &cap, (k), (v))

static int
vmdef_same_section(const struct vm_extra *x, const char *type,
    const char *name)
{
	if (strcmp(x->type, type) != 0)
		return (0);
	if (x->secname == NULL || name == NULL)
		return (x->secname == name);
	return (strcmp(x->secname, name) == 0);
}

static void
vmdef_format_extras(const struct vm_def *def, const char *type,
    const char *name, char **bufp, size_t *lenp, size_t *capp)
{
	size_t	i;

	for (i = 0; i < def->nextras; i++) {
		if (vmdef_same_section(&def->extras[i], type, name))
			vmdef_out_value(bufp, lenp, capp, def->extras[i].key,
			    def->extras[i].value);
	}
}

char *
vmdef_format(const struct vm_def *def)
{
	const struct vm_extra	*x;
	char			*buf = NULL, *mem;
	size_t			 len = 0, cap = 0, i, j;
	int			 known, done;

	OUT("# vmdesk VM definition: see vmdesk(1). Edit while the VM is "
	    "stopped.\n");
	OUT("[vm]\nname = %s\n", def->name);
	if (def->template != NULL)
		OUT("template = %s\n", def->template);
	if (def->os != NULL)
		OUTV("os", def->os);
	mem = str_size_exact(def->memory);
	OUT("arch = %s\nmachine = %s\naccel = %s\ncpus = %d\nmemory = %s\n"
	    "firmware = %s\ndisplay = %s\n", def->arch,
	    machine_names[def->machine], def->accel, def->cpus, mem,
	    firmware_names[def->firmware], display_names[def->display]);
	free(mem);
	if (def->tpm)
		OUT("tpm = yes\n");
	if (def->vnc_tcp)
		OUT("vnc_tcp = yes\n");
	if (def->vnc_port != 0)
		OUT("vnc_port = %d\n", def->vnc_port);
	if (def->user != NULL)
		OUTV("user", def->user);
	if (def->instance_id != NULL)
		OUTV("instance_id", def->instance_id);
	vmdef_format_extras(def, "vm", NULL, &buf, &len, &cap);

	/*
	 * The header goes out when only kept unknown keys fill [boot] too:
	 * without it they would land in [vm] (found by fuzz_vmdef).
	 */
	for (known = 0, i = 0; i < def->nextras && !known; i++)
		known = vmdef_same_section(&def->extras[i], "boot", NULL);
	if (known || def->boot.kernel != NULL || def->boot.initrd != NULL ||
	    def->boot.cmdline != NULL || def->boot.iso != NULL ||
	    def->boot.order != NULL) {
		OUT("\n[boot]\n");
		if (def->boot.kernel != NULL)
			OUTV("kernel", def->boot.kernel);
		if (def->boot.initrd != NULL)
			OUTV("initrd", def->boot.initrd);
		if (def->boot.cmdline != NULL)
			OUTV("cmdline", def->boot.cmdline);
		if (def->boot.iso != NULL)
			OUTV("iso", def->boot.iso);
		if (def->boot.order != NULL)
			OUTV("order", def->boot.order);
	}
	vmdef_format_extras(def, "boot", NULL, &buf, &len, &cap);

	for (i = 0; i < def->ndisks; i++) {
		OUT("\n[disk %s]\n", def->disks[i].name);
		OUTV("file", def->disks[i].file);
		OUT("bus = %s\nformat = %s\n", bus_names[def->disks[i].bus],
		    format_names[def->disks[i].format]);
		if (def->disks[i].readonly)
			OUT("readonly = yes\n");
		vmdef_format_extras(def, "disk", def->disks[i].name, &buf,
		    &len, &cap);
	}
	for (i = 0; i < def->nnics; i++) {
		OUT("\n[nic %s]\nmodel = %s\n", def->nics[i].name,
		    nic_names[def->nics[i].model]);
		OUTV("mac", def->nics[i].mac);
		for (j = 0; j < def->nics[i].nforwards; j++) {
			OUT("forward = %s:%d:%d\n",
			    def->nics[i].forwards[j].udp ? "udp" : "tcp",
			    def->nics[i].forwards[j].host_port,
			    def->nics[i].forwards[j].guest_port);
		}
		vmdef_format_extras(def, "nic", def->nics[i].name, &buf, &len,
		    &cap);
	}

	/* Sections vmdesk does not know, each once, in first-seen order. */
	for (i = 0; i < def->nextras; i++) {
		x = &def->extras[i];
		known = vmdef_find_section(x->type) != NULL;
		for (done = 0, j = 0; j < i && !done; j++)
			done = vmdef_same_section(&def->extras[j], x->type,
			    x->secname);
		if (known || done)
			continue;
		if (x->secname != NULL)
			OUT("\n[%s %s]\n", x->type, x->secname);
		else
			OUT("\n[%s]\n", x->type);
		vmdef_format_extras(def, x->type, x->secname, &buf, &len, &cap);
	}
	return (buf);
}

int
vmdef_save(const struct vm_def *def, const char *path, char **cause)
{
	char	*text;
	int	 rc;

	text = vmdef_format(def);
	rc = fs_write_atomic(path, text, strlen(text), 0644, cause);
	free(text);
	return (rc);
}
