/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The VM definition: parse, validate and write vm.conf. */
#include "config.h"

#include "core/vmdef.h"

#include <sys/stat.h>

#include <ctype.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "core/names.h"
#include "util/fsutil.h"
#include "util/ini.h"
#include "util/iniwrite.h"
#include "util/random.h"
#include "util/strutil.h"
#include "util/xmalloc.h"

static const char *const machine_names[] = { "q35", "pc", "microvm", "virt",
	NULL };
static const char *const firmware_names[] = { "bios", "uefi",
	"uefi-secure", NULL };
static const char *const display_names[] = { "vga", "virtio", "none", NULL };
static const char *const bus_names[] = {
	"virtio", "sata", "ide", "scsi", "nvme", "usb", NULL
};
static const char *const format_names[] = { "qcow2", "raw", NULL };
static const char *const nic_names[] = { "virtio", "e1000", "rtl8139", NULL };
static const char *const share_mode_names[] = { "auto", "virtiofs", "9p",
	NULL };
static const char *const accel_names[] = { "auto", "kvm", "tcg", NULL };

static const char *const bool_names[] = { "yes", "no", NULL };

#define DEF(f)	"vm", #f, offsetof(struct vm_def, f)
#define BOOT(f)	"boot", #f, offsetof(struct vm_boot, f)
#define DISK(f)	"disk", #f, offsetof(struct vm_disk, f)
#define NIC(f)	"nic", #f, offsetof(struct vm_nic, f)
#define SHARE(f) "share", #f, offsetof(struct vm_share, f)
#define USB(f)	"usb", #f, offsetof(struct vm_usb, f)
#define SET	VMDEF_KEY_SET
#define TPL	VMDEF_KEY_TEMPLATE
#define ALW	VMDEF_KEY_ALWAYS

/*
 * Every key of vm.conf, in the order it is written. Parsing, writing,
 * vmdesk set (and set --keys), the desktop's editor, info and templates
 * all read this table.
 */
static const struct vmdef_key vmdef_key_table[] = {
	{ DEF(name), VMDEF_NAME, 0, 0, NULL, NULL, 0,
	  "the VM's name (vmdesk rename changes it)" },
	{ DEF(template), VMDEF_NAME, 0, 0, NULL, NULL, 0,
	  "the template it was made from" },
	{ DEF(os), VMDEF_STRING, 0, 0, NULL, NULL, SET,
	  "the guest OS, as shown to people" },
	{ DEF(arch), VMDEF_CHOICE, 0, 0, vmarch_names, "x86_64", ALW|TPL,
	  "the guest's CPU architecture (chosen at create time: the disk "
	  "holds an OS of that architecture)" },
	{ DEF(machine), VMDEF_ENUM, 0, 0, machine_names, "q35",
	  ALW|SET|TPL, "the machine type: q35 (a modern PC), pc (i440FX), "
	  "microvm (direct kernel boot only), virt (every arch but "
	  "x86_64)" },
	{ DEF(accel), VMDEF_CHOICE, 0, 0, accel_names, "auto", ALW|SET,
	  "the accelerator: auto (KVM when it works, else TCG), kvm, tcg" },
	{ DEF(cpus), VMDEF_INT, 1, VMDEF_CPUS_MAX, NULL, "1", ALW|SET|TPL,
	  "virtual CPUs" },
	{ DEF(sockets), VMDEF_INT, 0, VMDEF_CPUS_MAX, NULL, "0", SET,
	  "CPU sockets; 0: as QEMU derives from cpus and the others" },
	{ DEF(cores), VMDEF_INT, 0, VMDEF_CPUS_MAX, NULL, "0", SET,
	  "cores per socket; 0: derived" },
	{ DEF(threads), VMDEF_INT, 0, VMDEF_CPUS_MAX, NULL, "0", SET,
	  "threads per core; 0: derived (under TCG a guest sees threads "
	  "only with an Intel cpu_model, such as Skylake-Client)" },
	{ DEF(cpu_model), VMDEF_NAME, 0, 0, NULL, "auto", SET,
	  "QEMU's CPU model: auto (host with KVM, max with TCG), host (KVM "
	  "only), max, or a named model such as Skylake-Client or qemu64" },
	{ DEF(memory), VMDEF_SIZE, VMDEF_MEMORY_MIN, VMDEF_MEMORY_MAX, NULL,
	  "512M", ALW|SET|TPL, "guest memory (a number is MiB; K, M, G, T)" },
	{ DEF(firmware), VMDEF_ENUM, 0, 0, firmware_names, "bios",
	  ALW|SET|TPL, "bios (SeaBIOS), uefi (OVMF; on Arm AAVMF, on RISC-V "
	  "OpenSBI and U-Boot), uefi-secure (OVMF with Secure Boot, needs "
	  "q35)" },
	{ DEF(display), VMDEF_ENUM, 0, 0, display_names, "vga", ALW|SET|TPL,
	  "the graphics card: vga, virtio, none (serial console only)" },
	{ DEF(tpm), VMDEF_BOOL, 0, 0, bool_names, "no", SET|TPL,
	  "a TPM 2.0 (swtpm), as Windows 11 wants" },
	{ DEF(vnc_tcp), VMDEF_BOOL, 0, 0, bool_names, "no", SET,
	  "a second VNC display on 127.0.0.1 with a password (vmdesk vnc)" },
	{ DEF(vnc_port), VMDEF_INT, 0, VMDEF_VNC_PORT_MAX, NULL, "0", SET,
	  "its TCP port, 5900 to 65535; 0 picks a free one at each start" },
	{ DEF(autostart), VMDEF_BOOL, 0, 0, bool_names, "no", SET,
	  "vmdesk autostart starts it (at login or boot, see vmdesk(1))" },
	{ DEF(lab), VMDEF_NAME, 0, 0, NULL, NULL, 0,
	  "the lab it belongs to (vmdesk up sets it, see vmdesk-lab(5))" },
	{ DEF(user), VMDEF_LOGIN, 0, 0, NULL, NULL, SET|TPL,
	  "the guest login vmdesk ssh uses" },
	{ DEF(instance_id), VMDEF_STRING, 0, 0, NULL, NULL, 0,
	  "cloud-init's instance id" },
	{ BOOT(kernel), VMDEF_PATH, 0, 0, NULL, NULL, SET,
	  "a kernel to boot directly" },
	{ BOOT(initrd), VMDEF_PATH, 0, 0, NULL, NULL, SET,
	  "its initrd" },
	{ BOOT(cmdline), VMDEF_STRING, 0, 0, NULL, NULL, SET,
	  "its command line" },
	{ BOOT(iso), VMDEF_PATH, 0, 0, NULL, NULL, SET,
	  "an installer or live CD in the CD drive" },
	{ BOOT(order), VMDEF_STRING, 0, 0, NULL, NULL, SET,
	  "what to boot from first: disk, cdrom, net, floppy, as "
	  "\"cdrom,disk\" (or QEMU's letters c, d, n, a, as \"dc\")" },
	{ DISK(file), VMDEF_PATH, 0, 0, NULL, NULL, ALW,
	  "the disk's file, relative to the VM's folder or absolute" },
	{ DISK(bus), VMDEF_ENUM, 0, 0, bus_names, "virtio", ALW|SET|TPL,
	  "how the guest sees the disk" },
	{ DISK(format), VMDEF_ENUM, 0, 0, format_names, "qcow2", ALW,
	  "the file's format" },
	{ DISK(readonly), VMDEF_BOOL, 0, 0, bool_names, "no", SET,
	  "the guest cannot write to it" },
	{ NIC(model), VMDEF_ENUM, 0, 0, nic_names, "virtio", ALW|SET|TPL,
	  "the network card" },
	{ NIC(mac), VMDEF_MAC, 0, 0, NULL, NULL, ALW|SET,
	  "its MAC address (random in 52:54:00 when unset)" },
	{ NIC(net), VMDEF_STRING, 0, 0, NULL, "user", ALW|SET|TPL,
	  "its network: user (NAT to the host's), bridge:BR (a host bridge "
	  "through qemu-bridge-helper), private:NET (only the VMs that name "
	  "NET)" },
	{ "nic", "forward", offsetof(struct vm_nic, forwards), VMDEF_FORWARD,
	  0, 0, NULL, NULL, SET|VMDEF_KEY_LIST,
	  "a host port on 127.0.0.1 to a guest port, tcp:HOST:GUEST or "
	  "udp:HOST:GUEST; may repeat; \"none\" in vmdesk set removes all" },
	{ SHARE(path), VMDEF_PATH, 0, 0, NULL, NULL, ALW|SET,
	  "the host folder the guest sees" },
	{ SHARE(tag), VMDEF_STRING, 0, 0, NULL, NULL, SET,
	  "the name the guest mounts it by (the share's name when unset)" },
	{ SHARE(readonly), VMDEF_BOOL, 0, 0, bool_names, "no", SET,
	  "the guest cannot write to it" },
	{ SHARE(mode), VMDEF_ENUM, 0, 0, share_mode_names, "auto", SET,
	  "how: virtiofs (virtiofsd), 9p, or auto (virtiofs when it can "
	  "run, else 9p)" },
	{ USB(file), VMDEF_PATH, 0, 0, NULL, NULL, SET,
	  "a USB stick from this image file" },
	{ USB(host), VMDEF_STRING, 0, 0, NULL, NULL, SET,
	  "a host USB device passed through, VENDOR:PRODUCT" },
	{ USB(readonly), VMDEF_BOOL, 0, 0, bool_names, "no", SET,
	  "the guest cannot write to the stick" },
};

#undef DEF
#undef BOOT
#undef DISK
#undef NIC
#undef SHARE
#undef USB
#undef SET
#undef TPL
#undef ALW

#define NKEYS(t)	(sizeof (t) / sizeof (t)[0])
/* Where key k lives in its section's struct. */
#define SLOT(k, base, type)	((type *)((char *)(base) + (k)->off))

/*
 * The sections of vm.conf: [vm] and [boot] once; the named ones ([disk N],
 * [nic N] ...) repeat, each an array in struct vm_def whose elements
 * start with their name (char *name).
 */
static const struct section_spec {
	const char	*type;
	int		 named;	/* needs [type NAME] */
	size_t		 array;	/* offsetof the array in struct vm_def */
	size_t		 count;	/* offsetof its size_t count */
	size_t		 size;	/* of an element */
} section_specs[] = {
	{ "vm", 0, 0, 0, 0 },
	{ "boot", 0, 0, 0, 0 },
#define LIST(t, a, n, e) \
	{ t, 1, offsetof(struct vm_def, a), offsetof(struct vm_def, n), \
	  sizeof (struct e) }
	LIST("disk", disks, ndisks, vm_disk),
	LIST("nic", nics, nnics, vm_nic),
	LIST("share", shares, nshares, vm_share),
	LIST("usb", usbs, nusbs, vm_usb),
#undef LIST
};

/* A repeated section's array, count and element i. */
#define SEC_ARRAY(def, ss)	((char **)((char *)(def) + (ss)->array))
#define SEC_COUNT(def, ss)	((size_t *)((char *)(def) + (ss)->count))
#define SEC_ITEM(def, ss, i)	(*SEC_ARRAY(def, ss) + (i) * (ss)->size)
#define SEC_NAME(item)		(*(char **)(item))

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

static const char *const kind_names[] = {
	"string", "choice", "path", "name", "login", "int", "size", "enum",
	"bool", "mac", "forward"
};

const struct vmdef_key *
vmdef_keys(size_t *n)
{
	*n = NKEYS(vmdef_key_table);
	return (vmdef_key_table);
}

const char *
vmdef_kind_name(enum vmdef_kind k)
{
	return (kind_names[k]);
}

/*
 * Where each section's keys are in the table: it lists them section by
 * section, so each is one run, found once (every parse and free asks).
 */
static const struct vmdef_key *
vmdef_section_run(const struct section_spec *ss, size_t *n)
{
	static size_t	first[NKEYS(section_specs)];
	static size_t	count[NKEYS(section_specs)];
	static int	ready;
	size_t		i, s;

	if (!ready) {
		for (i = 0; i < NKEYS(vmdef_key_table); i++) {
			for (s = 0; strcmp(section_specs[s].type,
			    vmdef_key_table[i].section) != 0; s++)
				;
			if (count[s] != 0 && first[s] + count[s] != i)
				fatal("vm.conf keys of [%s] are not together",
				    section_specs[s].type);
			if (count[s]++ == 0)
				first[s] = i;
		}
		ready = 1;
	}
	s = (size_t)(ss - section_specs);
	*n = count[s];
	return (&vmdef_key_table[first[s]]);
}

const struct vmdef_key *
vmdef_section_keys(const char *section, size_t *n)
{
	const struct section_spec	*ss = vmdef_find_section(section);

	if (ss == NULL) {
		*n = 0;
		return (NULL);
	}
	return (vmdef_section_run(ss, n));
}

const struct vmdef_key *
vmdef_key_find(const char *section, const char *key)
{
	const struct vmdef_key	*k;
	size_t			 i, n;

	k = vmdef_section_keys(section, &n);
	for (i = 0; i < n; i++) {
		if (strcmp(k[i].key, key) == 0)
			return (&k[i]);
	}
	return (NULL);
}

const char *
vmdef_machine_name(enum vm_machine m)
{
	return (machine_names[m]);
}

enum vm_arch
vmdef_arch(const struct vm_def *def)
{
	int	a;

	if (def->arch == NULL || (a = vmarch_find(def->arch)) == -1)
		return (VM_ARCH_X86_64);
	return ((enum vm_arch)a);
}

void
vmdef_set_arch(struct vm_def *def, enum vm_arch a)
{
	size_t	i;

	free(def->arch);
	def->arch = xstrdup(vmarch_get(a)->name);
	if (a == VM_ARCH_X86_64)
		return;
	def->machine = VM_MACHINE_VIRT;
	def->firmware = VM_FIRMWARE_UEFI;
	if (def->display == VM_DISPLAY_VGA)
		def->display = VM_DISPLAY_VIRTIO;
	for (i = 0; i < def->ndisks; i++) {
		if (def->disks[i].bus == VM_BUS_SATA ||
		    def->disks[i].bus == VM_BUS_IDE)
			def->disks[i].bus = VM_BUS_VIRTIO;
	}
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

/* Every key of a section at its default. */
static void
vmdef_defaults(const char *section, void *base)
{
	const struct vmdef_key	*k;
	size_t			 i, n;
	char			*cause = NULL;

	k = vmdef_section_keys(section, &n);
	for (i = 0; i < n; i++) {
		if (k[i].def != NULL &&
		    vmdef_key_set(&k[i], base, k[i].def, &cause) != 0)
			fatal("default of %s: %s", k[i].key, cause);
	}
}

struct vm_def *
vmdef_create(const char *name)
{
	struct vm_def	*def;

	def = xcalloc(1, sizeof *def);
	def->name = xstrdup(name);
	vmdef_defaults("vm", def);
	strv_init(&def->warnings);
	return (def);
}

/* Whether a kind's value is an owned string. */
static int
vmdef_kind_is_text(enum vmdef_kind kind)
{
	return (kind == VMDEF_STRING || kind == VMDEF_CHOICE ||
	    kind == VMDEF_PATH || kind == VMDEF_NAME || kind == VMDEF_LOGIN ||
	    kind == VMDEF_MAC);
}

/* What the keys of one section own, freed as the table says. */
static void
vmdef_free_keys(const char *section, void *base)
{
	const struct vmdef_key	*k, *end;
	size_t			 n;

	k = vmdef_section_keys(section, &n);
	for (end = k + n; k < end; k++) {
		if (vmdef_kind_is_text(k->kind))
			free(*SLOT(k, base, char *));
		else if (k->kind == VMDEF_FORWARD)
			free(((struct vm_nic *)base)->forwards);
	}
}

void
vmdef_free(struct vm_def *def)
{
	const struct section_spec	*ss;
	size_t				 i;

	if (def == NULL)
		return;
	vmdef_free_keys("vm", def);
	vmdef_free_keys("boot", &def->boot);
	for (ss = section_specs; ss < section_specs + NKEYS(section_specs);
	    ss++) {
		for (i = 0; ss->named && i < *SEC_COUNT(def, ss); i++) {
			free(SEC_NAME(SEC_ITEM(def, ss, i)));
			vmdef_free_keys(ss->type, SEC_ITEM(def, ss, i));
		}
		if (ss->named)
			free(*SEC_ARRAY(def, ss));
	}
	for (i = 0; i < def->nextras; i++) {
		free(def->extras[i].type);
		free(def->extras[i].secname);
		free(def->extras[i].key);
		free(def->extras[i].value);
	}
	free(def->extras);
	strv_clear(&def->warnings);
	free(def->source);
	free(def);
}

void *
vmdef_add_item(struct vm_def *def, const char *type, const char *name)
{
	const struct section_spec	*ss = vmdef_find_section(type);
	char				*item;

	if (ss == NULL || !ss->named)
		fatal("no repeated section [%s]", type);
	*SEC_ARRAY(def, ss) = xreallocarray(*SEC_ARRAY(def, ss),
	    *SEC_COUNT(def, ss) + 1, ss->size);
	item = SEC_ITEM(def, ss, (*SEC_COUNT(def, ss))++);
	memset(item, 0, ss->size);
	SEC_NAME(item) = xstrdup(name);
	vmdef_defaults(type, item);
	return (item);
}

int
vmdef_remove_item(struct vm_def *def, const char *type, const char *name)
{
	const struct section_spec	*ss = vmdef_find_section(type);
	char				*item;
	size_t				 i, n;

	if (ss == NULL || !ss->named || (item = vmdef_section(def, type,
	    name)) == NULL)
		return (-1);
	i = (size_t)(item - *SEC_ARRAY(def, ss)) / ss->size;
	n = --*SEC_COUNT(def, ss);
	free(SEC_NAME(item));
	vmdef_free_keys(type, item);
	memmove(item, item + ss->size, (n - i) * ss->size);
	return (0);
}

const char *
vmdef_repeated(size_t i)
{
	size_t	n;

	for (n = 0; n < NKEYS(section_specs); n++) {
		if (section_specs[n].named && i-- == 0)
			return (section_specs[n].type);
	}
	return (NULL);
}

size_t
vmdef_count(const struct vm_def *def, const char *type)
{
	const struct section_spec	*ss = vmdef_find_section(type);

	return (ss == NULL || !ss->named ? 0 : *SEC_COUNT(def, ss));
}

void *
vmdef_item(const struct vm_def *def, const char *type, size_t i)
{
	const struct section_spec	*ss = vmdef_find_section(type);

	if (ss == NULL || !ss->named || i >= *SEC_COUNT(def, ss))
		return (NULL);
	return (SEC_ITEM(def, ss, i));
}

struct vm_disk *
vmdef_add_disk(struct vm_def *def, const char *name)
{
	return (vmdef_add_item(def, "disk", name));
}

struct vm_nic *
vmdef_add_nic(struct vm_def *def, const char *name)
{
	return (vmdef_add_item(def, "nic", name));
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

	random_bytes(b, sizeof b);
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

/* Setting and reading one kind of key: a row per enum vmdef_kind. */

static int
vmdef_set_text(const struct vmdef_key *k, void *base, const char *v,
    char **why)
{
	if (k->kind == VMDEF_NAME && name_check(v, k->key, why) != 0)
		return (-1);
	/*
	 * A login goes into ssh's argv: never one that looks like an option
	 * (a bundle from elsewhere carries its vm.conf).
	 */
	if (k->kind == VMDEF_LOGIN && name_login_check(v, why) != 0)
		return (-1);
	if (k->kind == VMDEF_PATH && *v == '\0') {
		*why = xstrdup("empty path");
		return (-1);
	}
	free(*SLOT(k, base, char *));
	*SLOT(k, base, char *) = xstrdup(v);
	return (0);
}

static char *
vmdef_get_text(const struct vmdef_key *k, const void *base)
{
	const char	*v = *SLOT(k, base, char *const);

	return (v == NULL ? NULL : xstrdup(v));
}

/* The index of a choice's value in names, or -1 and *why. */
static int
vmdef_choice_index(const struct vmdef_key *k, const char *v, char **why)
{
	char	*list;
	int	 i;

	if ((i = str_choice(k->names, v)) == -1) {
		list = str_choices(k->names);
		*why = xasprintf("'%s' is not %s", v, list);
		free(list);
	}
	return (i);
}

static int
vmdef_set_choice(const struct vmdef_key *k, void *base, const char *v,
    char **why)
{
	int	i;

	if ((i = vmdef_choice_index(k, v, why)) == -1)
		return (-1);
	if (k->kind == VMDEF_ENUM) {
		*SLOT(k, base, int) = i;
		return (0);
	}
	free(*SLOT(k, base, char *));
	*SLOT(k, base, char *) = xstrdup(v);
	return (0);
}

static char *
vmdef_get_enum(const struct vmdef_key *k, const void *base)
{
	return (xstrdup(k->names[*SLOT(k, base, const int)]));
}

static int
vmdef_set_int(const struct vmdef_key *k, void *base, const char *v,
    char **why)
{
	long	l;

	if (str_to_long(v, (long)k->min, (long)k->max, &l, why) != 0)
		return (-1);
	*SLOT(k, base, int) = (int)l;
	return (0);
}

static char *
vmdef_get_int(const struct vmdef_key *k, const void *base)
{
	return (xasprintf("%d", *SLOT(k, base, const int)));
}

/* Bounds are checked by vmdef_validate: a file may say 8M, start may not. */
static int
vmdef_set_size(const struct vmdef_key *k, void *base, const char *v,
    char **why)
{
	return (str_to_size(v, 1ULL << 20, SLOT(k, base, uint64_t), why));
}

static char *
vmdef_get_size(const struct vmdef_key *k, const void *base)
{
	return (str_size_exact(*SLOT(k, base, const uint64_t)));
}

static int
vmdef_set_bool(const struct vmdef_key *k, void *base, const char *v,
    char **why)
{
	return (str_to_bool(v, SLOT(k, base, int), why));
}

static char *
vmdef_get_bool(const struct vmdef_key *k, const void *base)
{
	return (xstrdup(*SLOT(k, base, const int) ? "yes" : "no"));
}

/* A forward adds to the NIC's list; "none" empties it (vmdesk set). */
static int
vmdef_set_forward(const struct vmdef_key *k, void *base, const char *v,
    char **why)
{
	struct vm_nic		*nic = base;
	struct vm_forward	 fw;

	if (strcmp(v, "none") == 0) {
		free(nic->forwards);
		nic->forwards = NULL;
		nic->nforwards = 0;
		return (0);
	}
	if (vmdef_parse_forward(v, &fw, why) != 0)
		return (-1);
	nic->forwards = xreallocarray(nic->forwards, nic->nforwards + 1,
	    sizeof *nic->forwards);
	nic->forwards[nic->nforwards++] = fw;
	return (0);
}

static char *
vmdef_get_forward(const struct vmdef_key *k, const void *base)
{
	const struct vm_nic	*nic = base;
	char			*buf = NULL;
	size_t			 len = 0, cap = 0, i;

	if (nic->nforwards == 0)
		return (NULL);
	for (i = 0; i < nic->nforwards; i++) {
		str_appendf(&buf, &len, &cap, "%s%s:%d:%d", i == 0 ? "" :
		    ", ", nic->forwards[i].udp ? "udp" : "tcp",
		    nic->forwards[i].host_port, nic->forwards[i].guest_port);
	}
	return (buf);
}

static const struct vmdef_kind_ops {
	int	(*set)(const struct vmdef_key *, void *, const char *,
		    char **);
	char	*(*get)(const struct vmdef_key *, const void *);
} vmdef_kind_ops[] = {
	[VMDEF_STRING] = { vmdef_set_text, vmdef_get_text },
	[VMDEF_CHOICE] = { vmdef_set_choice, vmdef_get_text },
	[VMDEF_PATH] = { vmdef_set_text, vmdef_get_text },
	[VMDEF_NAME] = { vmdef_set_text, vmdef_get_text },
	[VMDEF_LOGIN] = { vmdef_set_text, vmdef_get_text },
	[VMDEF_INT] = { vmdef_set_int, vmdef_get_int },
	[VMDEF_SIZE] = { vmdef_set_size, vmdef_get_size },
	[VMDEF_ENUM] = { vmdef_set_choice, vmdef_get_enum },
	[VMDEF_BOOL] = { vmdef_set_bool, vmdef_get_bool },
	[VMDEF_MAC] = { vmdef_set_text, vmdef_get_text },
	[VMDEF_FORWARD] = { vmdef_set_forward, vmdef_get_forward },
};

int
vmdef_key_set(const struct vmdef_key *k, void *base, const char *value,
    char **cause)
{
	return (vmdef_kind_ops[k->kind].set(k, base, value, cause));
}

char *
vmdef_key_get(const struct vmdef_key *k, const void *base)
{
	return (vmdef_kind_ops[k->kind].get(k, base));
}

void *
vmdef_section(struct vm_def *def, const char *type, const char *name)
{
	const struct section_spec	*ss;
	size_t				 i;

	if (strcmp(type, "vm") == 0)
		return (def);
	if (strcmp(type, "boot") == 0)
		return (&def->boot);
	if ((ss = vmdef_find_section(type)) == NULL || name == NULL)
		return (NULL);
	for (i = 0; i < *SEC_COUNT(def, ss); i++) {
		if (strcmp(SEC_NAME(SEC_ITEM(def, ss, i)), name) == 0)
			return (SEC_ITEM(def, ss, i));
	}
	return (NULL);
}

/* A key's value as JSON: numbers and booleans typed, sizes in bytes. */
static json_t *
vmdef_key_json(const struct vmdef_key *k, const void *base)
{
	char	*v;
	json_t	*j;

	switch (k->kind) {
	case VMDEF_INT:
		return (json_integer(*SLOT(k, base, const int)));
	case VMDEF_SIZE:
		return (json_integer((json_int_t)*SLOT(k, base,
		    const uint64_t)));
	case VMDEF_BOOL:
		return (json_boolean(*SLOT(k, base, const int)));
	default:
		v = vmdef_key_get(k, base);
		j = v != NULL ? json_string(v) : json_null();
		free(v);
		return (j);
	}
}

void
vmdef_section_json(const char *type, const void *base, json_t *into)
{
	const struct vmdef_key	*k, *end;
	const char		*name;
	char			*alt;
	json_t			*j, *old;
	size_t			 n;

	k = vmdef_section_keys(type, &n);
	for (end = k + n; k < end; k++) {
		if (k->kind == VMDEF_FORWARD)
			continue;
		/* A name the object has already (status's accel) is kept. */
		name = k->key;
		alt = NULL;
		j = vmdef_key_json(k, base);
		if ((old = json_object_get(into, name)) != NULL &&
		    json_equal(old, j)) {
			json_decref(j);
			continue;
		}
		if (old != NULL)
			name = alt = xasprintf("%s_wanted", k->key);
		json_object_set_new(into, name, j);
		free(alt);
	}
}

/* A key back to its default, or unset. */
static int
vmdef_key_reset(const struct vmdef_key *k, void *base)
{
	char	*why = NULL;

	if (k->def != NULL)
		return (vmdef_key_set(k, base, k->def, &why));
	if (k->kind == VMDEF_FORWARD)
		return (vmdef_key_set(k, base, "none", &why));
	free(*SLOT(k, base, char *));
	*SLOT(k, base, char *) = NULL;
	return (0);
}

/* The struct a bare key lives in: [vm], [boot], or the only disk or NIC. */
static void *
vmdef_bare_base(struct vm_def *def, const struct vmdef_key *k, char **cause)
{
	const struct section_spec	*ss = vmdef_find_section(k->section);
	size_t				 n;

	if (!ss->named)
		return (vmdef_section(def, k->section, NULL));
	if ((n = *SEC_COUNT(def, ss)) == 1)
		return (*SEC_ARRAY(def, ss));
	*cause = xasprintf("VM %s has %zu %ss: name one, as in %s.NAME.%s",
	    def->name, n, k->section, k->section, k->key);
	return (NULL);
}

/*
 * Resolve "key", "boot.key" or "disk.NAME.key" (nic likewise) to a key
 * and the struct it lives in.
 */
static const struct vmdef_key *
vmdef_resolve(struct vm_def *def, const char *path, void **base,
    char **cause)
{
	const struct vmdef_key	*k = NULL;
	char			*copy, *sec = NULL, *name = NULL, *key;
	size_t			 i;

	copy = key = xstrdup(path);
	if ((key = strrchr(copy, '.')) != NULL) {
		*key++ = '\0';
		sec = copy;
		if ((name = strchr(copy, '.')) != NULL)
			*name++ = '\0';
		k = vmdef_key_find(sec, key);
	} else {
		key = copy;
		for (i = 0; i < NKEYS(vmdef_key_table) && k == NULL; i++) {
			if (strcmp(vmdef_key_table[i].key, key) == 0)
				k = &vmdef_key_table[i];
		}
	}
	*base = NULL;
	if (k == NULL)
		*cause = xasprintf("'%s' is not a key of vm.conf (vmdesk set "
		    "--keys lists them)", path);
	else if (sec == NULL)
		*base = vmdef_bare_base(def, k, cause);
	else if ((*base = vmdef_section(def, sec, name)) == NULL)
		*cause = xasprintf("VM %s has no [%s%s%s]", def->name, sec,
		    name != NULL ? " " : "", name != NULL ? name : "");
	free(copy);
	return (*base == NULL ? NULL : k);
}

int
vmdef_assign(struct vm_def *def, const char *path, const char *value,
    int need, char **cause)
{
	const struct vmdef_key	*k;
	void			*base = NULL;
	char			*copy, *tok, *save = NULL, *why = NULL;
	int			 rc = 0;

	if ((k = vmdef_resolve(def, path, &base, cause)) == NULL)
		return (-1);
	if ((k->flags & need) != need) {
		*cause = xasprintf("'%s' cannot be set: %s", path, k->help);
		return (-1);
	}
	if (*value == '\0' && (k->def != NULL ||
	    !(k->flags & VMDEF_KEY_ALWAYS)))
		return (vmdef_key_reset(k, base));
	if (*value == '\0') {
		*cause = xasprintf("%s needs a value", path);
		return (-1);
	}
	if (!(k->flags & VMDEF_KEY_LIST))
		rc = vmdef_key_set(k, base, value, &why);
	else {
		/* A list is given whole: "a, b", or "none". */
		vmdef_key_set(k, base, "none", &why);
		copy = xstrdup(value);
		for (tok = strtok_r(copy, ", ", &save); tok != NULL && rc == 0;
		    tok = strtok_r(NULL, ", ", &save)) {
			if (strcmp(tok, "none") != 0)
				rc = vmdef_key_set(k, base, tok, &why);
		}
		free(copy);
	}
	if (rc != 0) {
		*cause = xasprintf("%s: %s", path, why);
		free(why);
	}
	return (rc);
}

int
vmdef_get(struct vm_def *def, const char *path, char **value, char **cause)
{
	const struct vmdef_key	*k;
	void			*base = NULL;

	*value = NULL;
	if ((k = vmdef_resolve(def, path, &base, cause)) == NULL)
		return (-1);
	*value = vmdef_key_get(k, base);
	return (0);
}

/* A key of vm.conf set from the file, at line of file. */
static int
vmdef_set_key(const struct vmdef_key *k, void *base, const char *value,
    const char *file, int line, char **cause)
{
	char	*why = NULL;

	if (vmdef_key_set(k, base, value, &why) == 0)
		return (0);
	*cause = xasprintf("%s:%d: %s: %s", file, line, k->key, why);
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

/* A section header's shape: known or not, named as its type wants. */
static int
vmdef_check_section(struct vm_def *def, const struct ini *ini, size_t i,
    char **cause)
{
	const struct ini_section	*sec = &ini->sections[i];
	const struct section_spec	*ss;
	char				*why = NULL;
	size_t				 j;

	if ((ss = vmdef_find_section(sec->type)) == NULL) {
		strv_pushf(&def->warnings, "%s:%d: unknown section [%s], kept "
		    "as it is", ini->file, sec->line, sec->type);
		return (0);
	}
	if (ss->named != (sec->name != NULL))
		why = xasprintf("[%s] %s", sec->type, ss->named ?
		    "needs a name, as in [disk root]" : "takes no name");
	else if (ss->named)
		name_check(sec->name, sec->type, &why);
	for (j = 0; why == NULL && j < i; j++) {
		if (strcmp(ini->sections[j].type, sec->type) == 0 &&
		    (sec->name == NULL || strcmp(ini->sections[j].name,
		    sec->name) == 0))
			why = xasprintf("section [%s%s%s] appears twice",
			    sec->type, sec->name == NULL ? "" : " ",
			    sec->name == NULL ? "" : sec->name);
	}
	if (why == NULL)
		return (0);
	*cause = xasprintf("%s:%d: %s", ini->file, sec->line, why);
	free(why);
	return (-1);
}

/* Open each section: find or make the struct its keys go into. */
static int
vmdef_open_sections(struct vm_def *def, const struct ini *ini, void **bases,
    char **cause)
{
	const struct ini_section	*sec;
	const struct section_spec	*ss;
	size_t				 i;

	for (i = 0; i < ini->nsections; i++) {
		if (vmdef_check_section(def, ini, i, cause) != 0)
			return (-1);
	}
	/* Repeated sections first: their arrays move as they grow. */
	for (i = 0; i < ini->nsections; i++) {
		sec = &ini->sections[i];
		if ((ss = vmdef_find_section(sec->type)) != NULL && ss->named)
			vmdef_add_item(def, sec->type, sec->name);
	}
	for (i = 0; i < ini->nsections; i++) {
		sec = &ini->sections[i];
		bases[i] = vmdef_find_section(sec->type) == NULL ? NULL :
		    vmdef_section(def, sec->type, sec->name);
	}
	for (i = 0; i < ini->nsections; i++) {
		if (strcmp(ini->sections[i].type, "vm") == 0)
			return (0);
	}
	*cause = xasprintf("%s: no [vm] section", ini->file);
	return (-1);
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
	const struct vmdef_key	*k = NULL;
	char			*why = NULL;
	size_t			 i;
	int			 v = 0;

	for (i = 0; i < NKEYS(vmdef_key_table) && k == NULL; i++) {
		if (strcmp(vmdef_key_table[i].key, key) == 0 &&
		    vmdef_key_table[i].kind == VMDEF_ENUM)
			k = &vmdef_key_table[i];
	}
	if (k == NULL)
		fatal("no enum key %s in vm.conf", key);
	if ((v = vmdef_choice_index(k, value, &why)) == -1) {
		*cause = xasprintf("%s: %s", key, why);
		free(why);
		return (-1);
	}
	*out = v;
	return (0);
}

struct vm_def *
vmdef_parse(const char *text, size_t len, const char *file, char **cause)
{
	struct ini			*ini;
	struct vm_def			*def;
	const struct ini_entry		*e;
	const struct ini_section	*sec;
	const struct section_spec	*ss;
	const struct vmdef_key		*ks;
	void				**bases = NULL;
	size_t				 i;

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
		ks = ss == NULL ? NULL : vmdef_key_find(sec->type, e->key);
		if (ks == NULL) {
			if (ss != NULL)
				strv_pushf(&def->warnings, "%s:%d: unknown key "
				    "'%s' in [%s], kept as it is", file,
				    e->line, e->key, sec->type);
			vmdef_keep_extra(def, sec, e->key, e->value);
			continue;
		}
		if (!(ks->flags & VMDEF_KEY_LIST) &&
		    vmdef_check_twice(ini, i, cause) != 0)
			goto fail;
		if (vmdef_set_key(ks, bases[e->section], e->value, file,
		    e->line, cause) != 0)
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
	def->source = xmalloc(len + 1);
	memcpy(def->source, text, len);
	def->source[len] = '\0';
	def->sourcelen = len;
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
vmdef_file_ok(const char *vmdir, const char *path, const char *what,
    const char *vm, char **cause)
{
	char	*full;
	int	 ok;

	if (path[0] != '/' && vmdir == NULL)
		return (0);	/* the VM's own files, not made yet */
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

/*
 * CPU topology: what is given must fit cpus (QEMU derives the rest), and
 * all three given must make exactly cpus.
 */
static int
vmdef_validate_topology(const struct vm_def *def, const char *vmdir,
    char **cause)
{
	const int	parts[] = { def->sockets, def->cores, def->threads };
	int		product = 1, given = 0;
	size_t		i;

	(void)vmdir;
	for (i = 0; i < NKEYS(parts); i++) {
		if (parts[i] > 0) {
			product *= parts[i];
			given++;
		}
	}
	if (given == 0 || (given == 3 ? product == def->cpus :
	    def->cpus % product == 0))
		return (0);
	*cause = xasprintf("VM %s: %d socket(s) x %d core(s) x %d thread(s) "
	    "does not make cpus = %d (0 lets QEMU derive one)", def->name,
	    def->sockets, def->cores, def->threads, def->cpus);
	return (-1);
}

static int
vmdef_validate_nics_rule(const struct vm_def *def, const char *vmdir,
    char **cause)
{
	(void)vmdir;
	return (vmdef_validate_nics(def, cause));
}

const char *
vmdef_share_tag(const struct vm_share *s)
{
	return (s->tag != NULL ? s->tag : s->name);
}

/* A mount tag QEMU and a mount command take as it is (9p: 31 bytes). */
static int
vmdef_share_tag_ok(const char *tag)
{
	size_t	n = strlen(tag);

	return (n > 0 && n <= VMDEF_SHARE_TAG_MAX && strspn(tag,
	    "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == n);
}

/* Shares: a good tag, given once, and an absolute folder that is there. */
static int
vmdef_validate_shares(const struct vm_def *def, const char *vmdir,
    char **cause)
{
	const struct vm_share	*s;
	struct stat		 sb;
	size_t			 i, j;

	(void)vmdir;
	for (i = 0; i < def->nshares; i++) {
		s = &def->shares[i];
		if (!vmdef_share_tag_ok(vmdef_share_tag(s))) {
			*cause = xasprintf("VM %s: share %s: tag '%s' must be "
			    "1 to %d letters, digits, '.', '_' or '-'",
			    def->name, s->name, vmdef_share_tag(s),
			    VMDEF_SHARE_TAG_MAX);
			return (-1);
		}
		for (j = 0; j < i; j++) {
			if (strcmp(vmdef_share_tag(s),
			    vmdef_share_tag(&def->shares[j])) == 0) {
				*cause = xasprintf("VM %s: shares %s and %s "
				    "have the same tag", def->name,
				    def->shares[j].name, s->name);
				return (-1);
			}
		}
		if (s->path == NULL || s->path[0] != '/' ||
		    stat(s->path, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
			*cause = xasprintf("VM %s: share %s: %s is not a "
			    "folder (an absolute path)", def->name, s->name,
			    s->path != NULL ? s->path : "(no path)");
			return (-1);
		}
	}
	return (0);
}

/* The network kinds by their prefix in nic.net. */
static const struct {
	const char		*prefix;
	enum vm_net_kind	 kind;
} vmdef_net_kinds[] = {
	{ "user", VM_NET_USER },
	{ "bridge:", VM_NET_BRIDGE },
	{ "private:", VM_NET_PRIVATE },
};

enum vm_net_kind
vmdef_nic_net(const struct vm_nic *n, const char **arg)
{
	size_t	i, len;

	for (i = 0; i < NKEYS(vmdef_net_kinds); i++) {
		len = strlen(vmdef_net_kinds[i].prefix);
		if (strncmp(n->net, vmdef_net_kinds[i].prefix, len) != 0)
			continue;
		*arg = n->net + len;
		if ((vmdef_net_kinds[i].kind == VM_NET_USER) != (**arg == '\0'))
			break;
		return (vmdef_net_kinds[i].kind);
	}
	*arg = n->net;
	return (VM_NET_BAD);
}

int
vmdef_usb_id(const char *s, unsigned *vendor, unsigned *product)
{
	size_t	i;

	if (strlen(s) != 9 || s[4] != ':')
		return (-1);
	for (i = 0; i < 9; i++) {
		if (i != 4 && !isxdigit((unsigned char)s[i]))
			return (-1);
	}
	*vendor = (unsigned)strtoul(s, NULL, 16);
	*product = (unsigned)strtoul(s + 5, NULL, 16);
	return (0);
}

/* A Linux interface name: IFNAMSIZ is 16 with its NUL. */
#define VMDEF_IFNAME_MAX	15

/*
 * A NIC's network: user, bridge:BR (BR an interface name) or private:NET
 * (NET a name); forwards are user-mode NAT's, so only a user NIC has any.
 */
static int
vmdef_validate_nic_nets(const struct vm_def *def, const char *vmdir,
    char **cause)
{
	const struct vm_nic	*n;
	const char		*arg;
	char			*why = NULL;
	size_t			 i;

	(void)vmdir;
	for (i = 0; i < def->nnics; i++) {
		n = &def->nics[i];
		if (vmdef_nic_net(n, &arg) == VM_NET_USER)
			continue;
		switch (vmdef_nic_net(n, &arg)) {
		case VM_NET_BRIDGE:
			if (strlen(arg) > VMDEF_IFNAME_MAX)
				why = xasprintf("bridge name %s is longer than "
				    "%d bytes", arg, VMDEF_IFNAME_MAX);
			else
				name_check(arg, "bridge", &why);
			break;
		case VM_NET_PRIVATE:
			name_check(arg, "network", &why);
			break;
		default:
			break;
		}
		if (vmdef_nic_net(n, &arg) == VM_NET_BAD || why != NULL) {
			*cause = xasprintf("VM %s: nic %s: net '%s' is not "
			    "user, bridge:BRIDGE or private:NETWORK%s%s",
			    def->name, n->name, n->net, why ? ": " : "",
			    why ? why : "");
			free(why);
			return (-1);
		}
		if (n->nforwards > 0) {
			*cause = xasprintf("VM %s: nic %s: port forwards need "
			    "net user (this NIC is on %s)", def->name, n->name,
			    n->net);
			return (-1);
		}
	}
	return (0);
}

/* A USB device is a stick (file) or a host device VENDOR:PRODUCT in hex. */
static int
vmdef_validate_usbs(const struct vm_def *def, const char *vmdir,
    char **cause)
{
	const struct vm_usb	*u;
	unsigned		 vendor, product;
	size_t			 i;

	for (i = 0; i < def->nusbs; i++) {
		u = &def->usbs[i];
		if ((u->file == NULL) == (u->host == NULL)) {
			*cause = xasprintf("VM %s: usb %s needs either file or "
			    "host (not both)", def->name, u->name);
			return (-1);
		}
		if (u->host != NULL && vmdef_usb_id(u->host, &vendor,
		    &product) != 0) {
			*cause = xasprintf("VM %s: usb %s: host '%s' is not "
			    "VENDOR:PRODUCT (four hex digits each, as lsusb "
			    "shows)", def->name, u->name, u->host);
			return (-1);
		}
		if (u->file != NULL && vmdef_file_ok(vmdir, u->file,
		    "USB image", def->name, cause) != 0)
			return (-1);
	}
	return (0);
}

/*
 * What QEMU's virt machine has (every arch but x86_64) and what only PCs
 * have: no VGA, no IDE or SATA, no SeaBIOS; a TPM where the arch has one.
 */
static int
vmdef_validate_arch(const struct vm_def *def, const char *vmdir,
    char **cause)
{
	const struct vmarch	*a = vmarch_get(vmdef_arch(def));
	const char		*why = NULL;
	size_t			 i;

	(void)vmdir;
	if (vmdef_arch(def) == VM_ARCH_X86_64) {
		if (def->machine == VM_MACHINE_VIRT)
			why = "machine virt is for the other architectures "
			    "(x86_64 has q35, pc and microvm)";
	} else if (def->machine != VM_MACHINE_VIRT)
		why = "the machine must be virt";
	else if (def->firmware != VM_FIRMWARE_UEFI)
		why = "the firmware must be uefi (bios and uefi-secure are "
		    "x86 only)";
	else if (def->display == VM_DISPLAY_VGA)
		why = "virt has no VGA: display virtio (or none)";
	else if (def->tpm && a->tpm == NULL)
		why = "QEMU has no TPM device for it";
	for (i = 0; why == NULL && i < def->ndisks; i++) {
		if (def->machine == VM_MACHINE_VIRT &&
		    (def->disks[i].bus == VM_BUS_SATA ||
		    def->disks[i].bus == VM_BUS_IDE)) {
			*cause = xasprintf("VM %s: disk %s: the virt machine "
			    "has no IDE or SATA (bus virtio, scsi, nvme or "
			    "usb)", def->name, def->disks[i].name);
			return (-1);
		}
	}
	if (why == NULL)
		return (0);
	*cause = xasprintf("VM %s (%s): %s", def->name, a->name, why);
	return (-1);
}

/* The rules beyond one key's kind, checked in this order. */
static int (*const vmdef_rules[])(const struct vm_def *, const char *,
    char **) = {
	vmdef_validate_arch,
	vmdef_validate_nics_rule,
	vmdef_validate_topology,
	vmdef_validate_shares,
	vmdef_validate_nic_nets,
	vmdef_validate_usbs,
};

/* The boot order words (or letters) as QEMU's letters. */
static const struct {
	const char	*word;
	char		 letter;
} vmdef_boot_words[] = {
	{ "disk", 'c' }, { "cdrom", 'd' }, { "net", 'n' }, { "floppy", 'a' },
};

char *
vmdef_boot_letters(const char *order)
{
	char	*copy, *tok, *save = NULL, *out;
	size_t	 i, n = 0;

	if (*order != '\0' && strspn(order, "acdn") == strlen(order))
		return (xstrdup(order));
	out = xcalloc(strlen(order) + 1, 1);
	copy = xstrdup(order);
	for (tok = strtok_r(copy, ", ", &save); tok != NULL;
	    tok = strtok_r(NULL, ", ", &save)) {
		for (i = 0; i < NKEYS(vmdef_boot_words); i++) {
			if (strcmp(tok, vmdef_boot_words[i].word) == 0)
				break;
		}
		if (i == NKEYS(vmdef_boot_words)) {
			free(out);
			out = NULL;
			break;
		}
		out[n++] = vmdef_boot_words[i].letter;
	}
	free(copy);
	if (out != NULL && n == 0) {
		free(out);
		out = NULL;
	}
	return (out);
}

int
vmdef_validate(const struct vm_def *def, const char *vmdir, char **cause)
{
	const struct vm_disk	*d;
	char			*letters = NULL;
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
	if (def->boot.order != NULL && (letters =
	    vmdef_boot_letters(def->boot.order)) == NULL) {
		*cause = xasprintf("VM %s: boot order '%s' is not a list of "
		    "disk, cdrom, net, floppy (or the letters c, d, n, a)",
		    def->name, def->boot.order);
		return (-1);
	}
	free(letters);
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
	for (i = 0; i < NKEYS(vmdef_rules); i++) {
		if (vmdef_rules[i](def, vmdir, cause) != 0)
			return (-1);
	}
	return (0);
}

/* Whether section sec of an INI file is type/name. */
static int
vmdef_ini_same(const struct ini *ini, size_t sec, const char *type,
    const char *name)
{
	const struct ini_section	*s = &ini->sections[sec];

	if (strcmp(s->type, type) != 0)
		return (0);
	if (s->name == NULL || name == NULL)
		return (s->name == name);
	return (strcmp(s->name, name) == 0);
}

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

/* Whether a key at this value is left out of vm.conf: unset, or default. */
static int
vmdef_key_omitted(const struct vmdef_key *k, const char *value)
{
	if (value == NULL)
		return (1);
	if (k->flags & VMDEF_KEY_ALWAYS)
		return (0);
	return (k->def != NULL && strcmp(value, k->def) == 0);
}

/* Room for any section's struct, to read a value into and back. */
union vmdef_scratch {
	struct vm_def	def;
	struct vm_boot	boot;
	struct vm_disk	disk;
	struct vm_nic	nic;
};

/*
 * The text to write for a key: the file's own words when they mean the
 * value it has now ("on" for yes, "1024M" for 1G), so an unchanged key
 * keeps its line; else the value as vmdesk writes it.
 */
static const char *
vmdef_as_written(const struct ini *src, const char *type, const char *name,
    const struct vmdef_key *k, const char *value)
{
	union vmdef_scratch	 tmp;
	const struct ini_entry	*e;
	char			*canon, *why = NULL;
	size_t			 i;
	int			 same;

	for (i = 0; src != NULL && i < src->nentries; i++) {
		e = &src->entries[i];
		if (strcmp(e->key, k->key) != 0 || !vmdef_ini_same(src,
		    e->section, type, name))
			continue;
		memset(&tmp, 0, sizeof tmp);
		if (vmdef_key_set(k, &tmp, e->value, &why) != 0) {
			free(why);
			return (value);
		}
		canon = vmdef_key_get(k, &tmp);
		same = canon != NULL && strcmp(canon, value) == 0;
		free(canon);
		if (vmdef_kind_is_text(k->kind))
			free(*SLOT(k, &tmp, char *));
		return (same ? e->value : value);
	}
	return (value);
}

/*
 * A key written at its default only because new files spell defaults
 * out: a file a person wrote without it is not given it on a rewrite.
 */
static int
vmdef_key_weak(const struct vmdef_key *k, const char *value)
{
	return (k->def != NULL && strcmp(value, k->def) == 0);
}

/* The keys of one section, known ones in table order, then kept ones. */
static void
vmdef_items(const struct vm_def *def, const struct ini *src, const char *type,
    const char *name, const void *base, struct iniwrite *w)
{
	const struct vm_extra	*x;
	char			*v;
	size_t			 i, j;

	iniwrite_section(w, type, name);
	for (i = 0; i < NKEYS(vmdef_key_table); i++) {
		if (strcmp(vmdef_key_table[i].section, type) != 0)
			continue;
		if (vmdef_key_table[i].kind == VMDEF_FORWARD) {
			const struct vm_nic *nic = base;

			for (j = 0; j < nic->nforwards; j++) {
				v = xasprintf("%s:%d:%d", nic->forwards[j].udp ?
				    "udp" : "tcp", nic->forwards[j].host_port,
				    nic->forwards[j].guest_port);
				iniwrite_add(w, type, name, "forward", v, 0);
				free(v);
			}
			continue;
		}
		v = vmdef_key_get(&vmdef_key_table[i], base);
		if (!vmdef_key_omitted(&vmdef_key_table[i], v))
			iniwrite_add(w, type, name, vmdef_key_table[i].key,
			    vmdef_as_written(src, type, name,
			    &vmdef_key_table[i], v),
			    vmdef_key_weak(&vmdef_key_table[i], v));
		free(v);
	}
	for (i = 0; i < def->nextras; i++) {
		x = &def->extras[i];
		if (vmdef_same_section(x, type, name))
			iniwrite_add(w, type, name, x->key, x->value, 0);
	}
}

/* Sections vmdesk does not know, each once, in first-seen order. */
static void
vmdef_unknown_items(const struct vm_def *def, struct iniwrite *w)
{
	const struct vm_extra	*x;
	size_t			 i, j;
	int			 done;

	for (i = 0; i < def->nextras; i++) {
		x = &def->extras[i];
		for (done = 0, j = 0; j < i && !done; j++)
			done = vmdef_same_section(&def->extras[j], x->type,
			    x->secname);
		if (done || vmdef_find_section(x->type) != NULL)
			continue;
		vmdef_items(def, NULL, x->type, x->secname, NULL, w);
	}
}

char *
vmdef_format(const struct vm_def *def)
{
	const struct section_spec	*ss;
	struct iniwrite			 w;
	struct ini			*src = NULL;
	char				*text, *cause = NULL;
	size_t				 i;

	if (def->source != NULL && (src = ini_parse(def->source,
	    def->sourcelen, "vm.conf", &cause)) == NULL)
		free(cause);
	iniwrite_init(&w);
	vmdef_items(def, src, "vm", NULL, def, &w);
	vmdef_items(def, src, "boot", NULL, &def->boot, &w);
	for (ss = section_specs; ss < section_specs + NKEYS(section_specs);
	    ss++) {
		for (i = 0; ss->named && i < *SEC_COUNT(def, ss); i++)
			vmdef_items(def, src, ss->type,
			    SEC_NAME(SEC_ITEM(def, ss, i)),
			    SEC_ITEM(def, ss, i), &w);
	}
	vmdef_unknown_items(def, &w);
	text = iniwrite_text(&w, "# vmdesk VM definition: see vmdesk(1). "
	    "Edit while the VM is stopped.\n", def->source, def->sourcelen);
	iniwrite_clear(&w);
	ini_free(src);
	return (text);
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
